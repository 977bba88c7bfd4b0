/**
 * DynamoDB's item size and the write units a write costs its global secondary indexes, computed
 * from items in DynamoDB's JSON (what the engine's HTTP API carries), as AWS documents them:
 * "Item sizes and formats" and "Provisioned throughput considerations for Global Secondary
 * Indexes" in the DynamoDB Developer Guide.
 */
export interface AttributeValue {
  S?: string;
  N?: string;
  /** Base64 text on the wire; bytes once the SDK has read it. */
  B?: string | Uint8Array;
  BOOL?: boolean;
  NULL?: boolean;
  L?: AttributeValue[];
  M?: Record<string, AttributeValue>;
  SS?: string[];
  NS?: string[];
  BS?: (string | Uint8Array)[];
}
export type Item = Record<string, AttributeValue>;

export interface IndexDefinition {
  IndexName?: string;
  KeySchema?: { AttributeName?: string }[];
  Projection?: { ProjectionType?: string; NonKeyAttributes?: string[] };
}

const utf8 = (text: string): number => Buffer.byteLength(text, 'utf8');
const binaryBytes = (value: string | Uint8Array): number =>
  typeof value === 'string' ? Buffer.from(value, 'base64').length : value.length;

/** Numbers: one byte per two significant digits, plus one (leading and trailing zeroes do not count). */
export function numberBytes(number: string): number {
  const mantissa = number.replace(/^[-+]/, '').split(/[eE]/)[0] ?? '';
  const digits = mantissa.replace('.', '').replace(/^0+/, '').replace(/0+$/, '');
  return Math.ceil(digits.length / 2) + 1;
}

export function valueBytes(value: AttributeValue): number {
  if (value.S !== undefined) return utf8(value.S);
  if (value.N !== undefined) return numberBytes(value.N);
  if (value.B !== undefined) return binaryBytes(value.B);
  if (value.BOOL !== undefined || value.NULL !== undefined) return 1;
  // A list or map costs 3 bytes, plus one byte per element.
  if (value.L !== undefined) return 3 + value.L.reduce((sum, element) => sum + 1 + valueBytes(element), 0);
  if (value.M !== undefined) return 3 + itemBytes(value.M) + Object.keys(value.M).length;
  if (value.SS !== undefined) return value.SS.reduce((sum, element) => sum + utf8(element), 0);
  if (value.NS !== undefined) return value.NS.reduce((sum, element) => sum + numberBytes(element), 0);
  if (value.BS !== undefined) return value.BS.reduce((sum, element) => sum + binaryBytes(element), 0);
  return 0;
}

/** An item's size: its attribute names (UTF-8) and values. */
export function itemBytes(item: Item): number {
  return Object.entries(item).reduce((sum, [name, value]) => sum + utf8(name) + valueBytes(value), 0);
}

/** Write units of one write of `bytes`: one per started KB, at least one. */
export const writeUnitsFor = (bytes: number): number => Math.max(1, Math.ceil(bytes / 1_024));

const indexKeys = (index: IndexDefinition): string[] =>
  (index.KeySchema ?? []).map((key) => key.AttributeName ?? '');

/** What an index holds of an item: the table's keys, the index's keys and the projected attributes. */
export function indexEntry(index: IndexDefinition, tableKeys: readonly string[], item: Item): Item {
  if (index.Projection?.ProjectionType === 'ALL') return item;
  const kept = new Set([...tableKeys, ...indexKeys(index), ...(index.Projection?.NonKeyAttributes ?? [])]);
  return Object.fromEntries(Object.entries(item).filter(([name]) => kept.has(name)));
}

/** Key order does not matter: two entries are the same when their attributes are. */
function sameAttributes(a: Item, b: Item): boolean {
  const canonical = (item: Item) =>
    JSON.stringify(Object.keys(item).sort(), null, 0) +
    Object.keys(item)
      .sort()
      .map((name) => canonicalValue(item[name] as AttributeValue))
      .join('|');
  return canonical(a) === canonical(b);
}

function canonicalValue(value: AttributeValue): string {
  if (value.M !== undefined) {
    const entries = Object.keys(value.M)
      .sort()
      .map((name) => `${name}=${canonicalValue(value.M?.[name] as AttributeValue)}`);
    return `M{${entries.join(',')}}`;
  }
  if (value.L !== undefined) return `L[${value.L.map(canonicalValue).join(',')}]`;
  return JSON.stringify(value);
}

/**
 * Write units one write costs an index, from the item before and after it: none if the item is in
 * the index neither before nor after; one entry's worth to put it in or take it out; both when its
 * index key changes (a delete and a put); one entry's worth when only projected attributes change.
 */
export function indexWriteUnits(
  index: IndexDefinition,
  tableKeys: readonly string[],
  before: Item | undefined,
  after: Item | undefined,
): number {
  const keys = indexKeys(index);
  const inIndex = (item: Item | undefined): item is Item =>
    item !== undefined && keys.every((key) => item[key] !== undefined);
  const entryUnits = (item: Item) => writeUnitsFor(itemBytes(indexEntry(index, tableKeys, item)));
  const wasIn = inIndex(before);
  const isIn = inIndex(after);
  if (!wasIn && !isIn) return 0;
  if (!wasIn) return entryUnits(after as Item);
  if (!isIn) return entryUnits(before);
  const keyChanged = keys.some(
    (key) => !sameAttributes({ key: before[key] as AttributeValue }, { key: after[key] as AttributeValue }),
  );
  if (keyChanged) return entryUnits(before) + entryUnits(after);
  const oldEntry = indexEntry(index, tableKeys, before);
  const newEntry = indexEntry(index, tableKeys, after);
  if (sameAttributes(oldEntry, newEntry)) return 0;
  return writeUnitsFor(Math.max(itemBytes(oldEntry), itemBytes(newEntry)));
}
