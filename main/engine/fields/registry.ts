// The field registry, as Wireshark's hf[] arrays: every field known by its display-filter name,
// with its label and its kind. Dissectors declare their fields here; the display-filter engine
// and the detail tree look them up by name.

/**
 * How a field's value is typed and printed (mirrors Wireshark's FT_* + BASE_*):
 * - uint/int: JSON number, shown in decimal
 * - hex: string "0x…" padded to `digits` hex digits, as tshark prints BASE_HEX fields
 * - bool: JSON number 1 or 0 (tshark 4.0 prints booleans as 1/0)
 * - mac, ipv4, ipv6, string: strings as tshark prints them
 * - bytes, none: lower-case hex string without separators (tshark prints FT_NONE items' bytes too)
 * - double, time: JSON number (seconds for time)
 * - protocol: a protocol subtree item (value null)
 */
export type FieldKind = 'uint' | 'int' | 'hex' | 'bool' | 'mac' | 'ipv4' | 'ipv6' | 'bytes' | 'none' | 'string' | 'double' | 'time' | 'protocol';

export interface FieldDef {
  name: string;
  label: string;
  kind: FieldKind;
  /** For kind 'hex': number of hex digits tshark pads to. */
  digits?: number;
  /** Value → name, as Wireshark's value_string (used in displays: "Type: IPv4 (0x0800)"). */
  names?: Readonly<Record<number, string>>;
  /** Short help, shown on hover in the detail tree. */
  blurb?: string;
}

const registry = new Map<string, FieldDef>();

/** Declares a field (idempotent for the same name; a second, different declaration is a bug). */
export function defineField(name: string, label: string, kind: FieldKind, extra: Omit<FieldDef, 'name' | 'label' | 'kind'> = {}): FieldDef {
  const existing = registry.get(name);
  if (existing) {
    if (existing.kind !== kind) throw new Error(`field ${name} declared twice with kinds ${existing.kind} and ${kind}`);
    return existing;
  }
  const def: FieldDef = { name, label, kind, ...extra };
  registry.set(name, def);
  return def;
}

export function lookupField(name: string): FieldDef | undefined {
  return registry.get(name);
}

export function allFields(): FieldDef[] {
  return [...registry.values()];
}
