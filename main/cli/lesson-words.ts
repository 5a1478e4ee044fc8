// The `lesson` command's own words, in every language lessons are written in (field names, flags and
// RFC state names stay as they are).
import type { StateNoteCode, TransitionCause } from '../engine/types';
import type { LessonLocale } from '../lessons/schema';

export interface LessonWords {
  step(n: number, total: number): string;
  question: string;
  answer: string;
  right: string;
  notQuite: string;
  tryAgain: string;
  revealed: string;
  end: string;
  score(right: number, asked: number): string;
  noSegment: string;
  enterToSee: string;
  enterNext: string;
  answerPrompt: Record<'state' | 'choice' | 'number' | 'bytes' | 'order', string>;
  unreadable: string;
  steps(n: number): string;
  runsExperiment: string;
  opensConnection: string;
  invalid(n: number): string;
  start(id: string): string;
  recorded: string;
  traceHead: [no: string, time: string, direction: string, segment: string, client: string, server: string];
  c2s: string;
  s2c: string;
  endpoint: Record<'client' | 'server', string>;
  cause: Record<TransitionCause, string>;
  /** Why an endpoint did not change where one might expect it to (no answer seen, no listener). */
  note: Record<StateNoteCode, string>;
  hexTitle(frame: number): string;
}

const en: LessonWords = {
  step: (n, total) => `Step ${n} of ${total}`,
  question: 'Question:',
  answer: 'Answer:',
  right: 'Right!',
  notQuite: 'Not quite.',
  tryAgain: 'Try again',
  revealed: 'No more answers: here is the right one.',
  end: 'End of the lesson.',
  score: (right, asked) => `Score: ${right} of ${asked} right at the first try.`,
  noSegment: '(The capture has no segment for this step.)',
  enterToSee: 'Enter: see the segment and the answer',
  enterNext: 'Enter: next step, q: quit',
  answerPrompt: {
    state: 'Your answer (a letter or a state name; q: quit)',
    choice: 'Your answer (a letter; q: quit)',
    number: 'Your answer (a number; q: quit)',
    bytes: 'Your answer (first-last byte offset, e.g. 38-41; q: quit)',
    order: 'Your answer (the letters in order, e.g. c a b; q: quit)',
  },
  unreadable: 'That is not an answer to this question.',
  steps: (n) => `${n} steps`,
  runsExperiment: 'runs the experiment',
  opensConnection: 'watches a connection you open',
  invalid: (n) => `cannot be opened: ${n} problem${n === 1 ? '' : 's'} (see \`handshake-lab lesson validate\`)`,
  start: (id) => `Run \`handshake-lab lesson ${id}\` to start one.`,
  recorded: '(Live capture is not possible here: this is the lesson\'s recorded run, not your own packets.)',
  traceHead: ['No.', 'Time', 'Direction', 'Segment', 'Client', 'Server'],
  c2s: 'client → server',
  s2c: 'client ← server',
  endpoint: { client: 'client', server: 'server' },
  cause: {
    snd_syn: 'sent SYN', rcv_syn: 'received SYN', snd_syn_ack: 'sent SYN-ACK', rcv_syn_ack: 'received SYN-ACK',
    rcv_ack_of_syn: 'received ACK of its SYN', snd_fin: 'sent FIN', rcv_fin: 'received FIN',
    fin_acked: 'FIN acknowledged', snd_rst: 'sent RST', rcv_rst: 'received RST',
    refused: 'received RST for its SYN: no listener, the kernel refused',
    simultaneous_open: 'received SYN while in SYN_SENT (simultaneous open)',
    crossing_fins: 'received FIN while in FIN_WAIT_1 (FINs crossed: simultaneous close)',
  },
  note: {
    no_answer: 'no answer seen: the SYN was not answered in the capture, so the server is shown still in LISTEN',
    no_listener: 'no listener: no socket listened on this port, the kernel answered the SYN with RST',
  },
  hexTitle: (frame) => `Bytes of frame ${frame} (offsets from 0):`,
};

const zh: LessonWords = {
  step: (n, total) => `第 ${n} 步，共 ${total} 步`,
  question: '问题：',
  answer: '答案：',
  right: '答对了！',
  notQuite: '不太对。',
  tryAgain: '再试一次',
  revealed: '没有更多输入了：下面是正确答案。',
  end: '课程结束。',
  score: (right, asked) => `得分：${asked} 道题中首次作答答对 ${right} 道。`,
  noSegment: '（抓包里没有这一步的报文段。）',
  enterToSee: '回车：查看报文段和答案',
  enterNext: '回车：下一步，q：退出',
  answerPrompt: {
    state: '你的答案（字母或状态名；q：退出）',
    choice: '你的答案（字母；q：退出）',
    number: '你的答案（一个数；q：退出）',
    bytes: '你的答案（起止字节偏移，如 38-41；q：退出）',
    order: '你的答案（按顺序写字母，如 c a b；q：退出）',
  },
  unreadable: '这不是这道题的答案格式。',
  steps: (n) => `${n} 步`,
  runsExperiment: '会运行实验',
  opensConnection: '观察你自己打开的连接',
  invalid: (n) => `无法打开：有 ${n} 个问题（见 \`handshake-lab lesson validate\`）`,
  start: (id) => `运行 \`handshake-lab lesson ${id}\` 开始学习。`,
  recorded: '（这里无法实时抓包：这是课程预先录制的运行，不是你自己的报文。）',
  traceHead: ['编号', '时间', '方向', '报文段', '客户端', '服务器'],
  c2s: '客户端 → 服务器',
  s2c: '客户端 ← 服务器',
  endpoint: { client: '客户端', server: '服务器' },
  cause: {
    snd_syn: '发送 SYN', rcv_syn: '收到 SYN', snd_syn_ack: '发送 SYN-ACK', rcv_syn_ack: '收到 SYN-ACK',
    rcv_ack_of_syn: '收到对自己 SYN 的 ACK', snd_fin: '发送 FIN', rcv_fin: '收到 FIN',
    fin_acked: '自己的 FIN 被确认', snd_rst: '发送 RST', rcv_rst: '收到 RST',
    refused: '自己的 SYN 收到 RST：没有监听者，内核拒绝了连接',
    simultaneous_open: '在 SYN_SENT 中收到 SYN（同时打开）',
    crossing_fins: '在 FIN_WAIT_1 中收到 FIN（双方的 FIN 交叉：同时关闭）',
  },
  note: {
    no_answer: '没有看到回答：抓包中这个 SYN 没有得到回答，所以服务器仍显示为 LISTEN',
    no_listener: '没有监听者：这个端口上没有套接字在监听，内核用 RST 回答了 SYN',
  },
  hexTitle: (frame) => `第 ${frame} 帧的字节（偏移从 0 开始）：`,
};

export function lessonWords(lang: LessonLocale): LessonWords {
  return lang === 'zh-CN' ? zh : en;
}
