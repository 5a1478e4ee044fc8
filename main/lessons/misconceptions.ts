// What students often believe about TCP, as feedback on the wrong answer that gives the belief away
// (TEACHING-NOTES.md). Each is one key a lesson's feedback may name; the grader also picks some by itself
// (raw vs relative numbers, an unscaled window, the other endpoint's state, the state before the segment).
import type { Localized, MisconceptionKey } from './schema';

export const MISCONCEPTIONS: Record<MisconceptionKey, Localized> = {
  ack_is_seq_plus_one: {
    en: 'That is Seq + 1. "Ack = Seq + 1" holds only after a SYN or a FIN, which count as one sequence number each; after data the Ack is Seq + Len, the next byte the receiver expects.',
    'zh-CN': '这是 Seq + 1。“Ack = Seq + 1”只在 SYN 或 FIN 之后成立，它们各占一个序号；对数据来说 Ack 是 Seq + Len，即接收方期望的下一个字节。',
  },
  ack_is_seq: {
    en: 'That is the Seq of the segment being acknowledged. The Ack names the next sequence number the receiver expects, not the one it got.',
    'zh-CN': '这是被确认报文段的 Seq。Ack 表示接收方期望的下一个序号，而不是它收到的那个。',
  },
  ack_is_len: {
    en: 'That is the length alone. The Ack is a position in the byte stream: Seq + Len, not the number of bytes.',
    'zh-CN': '这只是长度。Ack 是字节流中的位置：Seq + Len，而不是字节数。',
  },
  raw_vs_relative: {
    en: 'That is the raw 32-bit number on the wire. The question asks for the relative number Wireshark shows by default (counted from the initial sequence number).',
    'zh-CN': '这是线路上的原始 32 位数。题目问的是 Wireshark 默认显示的相对序号（从初始序号算起）。',
  },
  relative_vs_raw: {
    en: 'That is the relative number Wireshark shows by default. The question asks for the raw 32-bit number on the wire (tcp.seq_raw / tcp.ack_raw).',
    'zh-CN': '这是 Wireshark 默认显示的相对序号。题目问的是线路上的原始 32 位数（tcp.seq_raw / tcp.ack_raw）。',
  },
  unscaled_window: {
    en: 'That is the Window field as sent. With window scaling it is multiplied by 2^shift, the scale each side announced in its SYN.',
    'zh-CN': '这是报文里的窗口字段本身。启用窗口缩放后要乘以 2^shift，这个缩放值由双方在各自的 SYN 里声明。',
  },
  scale_not_multiplier: {
    en: 'That is the shift count. The window is multiplied by 2 to the power of the shift, not by the shift.',
    'zh-CN': '这是移位数。窗口要乘以 2 的移位数次方，而不是乘以移位数。',
  },
  state_other_endpoint: {
    en: 'That is the other endpoint\'s state. Each end of a connection has its own state, and they change at different moments.',
    'zh-CN': '这是另一端的状态。连接的两端各有自己的状态，它们在不同的时刻改变。',
  },
  state_before: {
    en: 'That was its state before this segment. Look at what the segment does to this endpoint.',
    'zh-CN': '这是这个报文段之前的状态。看看这个报文段对这一端做了什么。',
  },
  state_too_far: {
    en: 'It gets there, but later: one more segment has to arrive first.',
    'zh-CN': '它会进入这个状态，但要晚一些：还要先等一个报文段到达。',
  },
  established_together: {
    en: 'The two ends do not become ESTABLISHED together: the client when the SYN-ACK arrives, the server only when the client\'s ACK arrives.',
    'zh-CN': '两端并不是同时进入 ESTABLISHED 的：客户端在收到 SYN-ACK 时进入，服务器要等到客户端的 ACK 到达才进入。',
  },
  close_always_four: {
    en: 'A close does not always take four segments: when the application closes before the delayed-ACK timer fires, Linux puts its FIN on the ACK.',
    'zh-CN': '关闭并不总是需要四个报文段：如果应用程序在延迟确认定时器到期前就关闭，Linux 会把 FIN 和 ACK 放在同一个报文段里。',
  },
  both_time_wait: {
    en: 'Only the side that closes first (the active closer) enters TIME_WAIT; both do only in a simultaneous close, when the FINs cross.',
    'zh-CN': '只有先关闭的一方（主动关闭方）进入 TIME_WAIT；只有在同时关闭（两个 FIN 交叉）时两端才都进入。',
  },
  fin_closes_both: {
    en: 'A FIN closes one direction only: the other side may go on sending (a half-closed connection).',
    'zh-CN': 'FIN 只关闭一个方向：另一端仍可以继续发送（半关闭连接）。',
  },
  ack_per_segment: {
    en: 'ACKs are cumulative: one ACK covers every byte before its number, so one ACK may acknowledge several segments.',
    'zh-CN': 'ACK 是累积的：一个 ACK 确认它之前的所有字节，所以一个 ACK 可以确认好几个报文段。',
  },
  refused_is_reset: {
    en: 'A refused connection never had a server socket: nobody listens on the port, so the kernel answers the SYN with RST (Ack = ISN + 1). An abortive close is a different RST, from an established connection.',
    'zh-CN': '被拒绝的连接根本没有服务器套接字：没有人在这个端口上监听，所以内核用 RST 回应 SYN（Ack = ISN + 1）。异常关闭是另一种 RST，来自一个已建立的连接。',
  },
  isn_unique: {
    en: 'The initial sequence number is hard to guess (RFC 6528: a clock plus a keyed hash of the addresses and ports), not guaranteed unique.',
    'zh-CN': '初始序号很难被猜到（RFC 6528：时钟加上对地址和端口的带密钥哈希），但并不保证唯一。',
  },
  bytes_partial: {
    en: 'Part of it: the field covers a different run of bytes. Click its row in the detail tree to see where it starts and ends.',
    'zh-CN': '只对了一部分：这个字段占的字节范围不一样。点击详细信息中的这一行，看它从哪里开始、到哪里结束。',
  },
  bytes_elsewhere: {
    en: 'Those are the bytes of another field.',
    'zh-CN': '这些是另一个字段的字节。',
  },
  order_textbook: {
    en: 'That is the order a textbook draws. This capture is the truth: follow the frame times.',
    'zh-CN': '这是教科书上画的顺序。抓包才是事实：按帧的时间来排。',
  },
  msl_is_linux: {
    en: 'RFC 9293 sets MSL to 2 minutes, so 2×MSL is 4 minutes; Linux instead keeps TIME_WAIT for a fixed 60 seconds (TCP_TIMEWAIT_LEN).',
    'zh-CN': 'RFC 9293 规定 MSL 为 2 分钟，所以 2×MSL 是 4 分钟；Linux 则让 TIME_WAIT 固定持续 60 秒（TCP_TIMEWAIT_LEN）。',
  },
  rtt_last_sample: {
    en: 'That is the last sample alone. The estimate moves only 1/8 of the way towards each new sample.',
    'zh-CN': '这只是最后一个样本。估计值每次只向新样本移动 1/8。',
  },
};
