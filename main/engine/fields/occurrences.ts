// A decoded frame's values of a field, as tshark -T fields prints them, read off the built tree.
// Most items carry their value. Protocol items (FT_PROTOCOL: "tcp", "ip", "eth", "frame", "_ws.malformed")
// have none: tshark prints their label ("Transmission Control Protocol, Src Port: …"), the bare filter name
// when the item is hidden (a hidden item gets no label), and for Wireshark's "data" protocol its bytes
// in hex (epan/print.c, get_node_field_value). Those labels are only known once the frame is dissected
// (TCP adds Seq/Ack/Len to its title at the end), so they are read from the tree, never from the sink.
import type { DecodedFrame, Field, FieldValue } from '../types';
import { lookupField } from './registry';

/** Whether tshark prints a label (not a value) for the field: a protocol item. */
export function isProtocolField(name: string): boolean {
  return lookupField(name)?.kind === 'protocol';
}

/**
 * What tshark prints for a protocol item: the hex of Data's bytes; else its label when the dissector gave
 * it one (proto_tree_add_protocol_format, or text appended: "Internet Protocol Version 4, Src: …"), the
 * filter name when it kept the protocol's bare name ("icmp", "null": Wireshark fills such a label in only
 * when printing a tree) or is hidden (a hidden item gets no label).
 */
function protocolValue(name: string, label: string, hidden: boolean, generated: boolean, fields: readonly Field[]): FieldValue {
  if (name === 'data') return fields.find((f) => f.name === 'data.data')?.value ?? '';
  if (hidden || label === lookupField(name)?.label) return name;
  // A generated item's label is bracketed only when printed as a tree (tshark -V); the label itself has none.
  return generated && label.startsWith('[') && label.endsWith(']') ? label.slice(1, -1) : label;
}

/**
 * Calls `put(name, value)` for every item of `frame` in tree order (depth first, as tshark walks the tree
 * for -T fields) whose name `wants` accepts, with the value tshark prints for it.
 */
export function eachOccurrence(frame: DecodedFrame, wants: (name: string) => boolean, put: (name: string, value: FieldValue) => void): void {
  const walk = (tree: readonly Field[]): void => {
    for (const f of tree) {
      if (f.name && wants(f.name)) {
        put(f.name, f.value === null && isProtocolField(f.name) ? protocolValue(f.name, f.display, f.hidden === true, f.generated === true, f.children) : f.value);
      }
      if (f.children.length) walk(f.children);
    }
  };
  for (const layer of frame.layers) {
    if (wants(layer.protocol)) {
      // A top-level item that is a field (tcp.segments) carries its value; a protocol its label.
      if (layer.value !== undefined) put(layer.protocol, layer.value);
      else if (isProtocolField(layer.protocol)) put(layer.protocol, protocolValue(layer.protocol, layer.title, false, false, layer.fields));
    }
    walk(layer.fields);
  }
}

/** All values of field `name` in `frame`, in tree order, as tshark -T fields prints them. */
export function occurrencesOf(frame: DecodedFrame, name: string): FieldValue[] {
  const out: FieldValue[] = [];
  eachOccurrence(frame, (n) => n === name, (_, v) => out.push(v));
  return out;
}
