/**
 * Recognises a Python pickle of any protocol by walking its opcode stream. Protocols 2–5
 * start with PROTO (0x80 and the protocol number), but protocols 0 and 1 — what
 * `pickle.dumps(obj, 0)` and many older tools write — have no header at all: they are text
 * or binary opcode streams (`(dp0\nS'a'\np1\nI1\ns.`). A byte pattern cannot tell those from
 * ordinary text, so this module simulates the pickle machine's stack, mark stack and memo:
 * every opcode must exist, carry a well-formed argument, find the operands it pops and read
 * only memo entries stored before it, and the stream must end with STOP leaving one object.
 * Ordinary text fails within a few bytes (`apple` starts with APPEND on an empty stack), so
 * text is not taken for a pickle; a real pickle never fails.
 *
 * Only the head of a file is walked. A walk that runs out of bytes (the head ends before
 * STOP) counts as a pickle only after `MIN_OPS_UNTERMINATED` well-formed opcodes.
 *
 * @example scanPickle(new TextEncoder().encode("(dp0\nS'a'\np1\nI1\ns.")) // { pickle: true, protocol: 0, … }
 */

/** How an opcode's argument is encoded. */
type Arg =
  | 'none'
  | 'u1'
  | 'u2'
  | 'i4'
  | 'u8'
  | 'decimal'
  | 'long'
  | 'float'
  | 'quoted'
  | 'line'
  | 'two_lines'
  | 'bytes1'
  | 'bytes4'
  | 'bytes8';

/**
 * What an opcode does to the stack: `pop`/`push` items; `mark` pushes a mark; `toMark` pops
 * everything down to the last mark; `below` items must remain under a toMark pop (APPENDS
 * needs the list); `memoPut`/`memoGet` touch the memo.
 */
interface Op {
  arg: Arg;
  pop?: number;
  push?: number;
  mark?: true;
  toMark?: true;
  below?: number;
  even?: true;
  memo?: 'put' | 'get' | 'memoize';
  stop?: true;
  proto?: true;
  /** Lowest protocol that has this opcode. */
  since: number;
}

const OPS = new Map<number, Op>();
const op = (code: string | number, o: Op): void => {
  OPS.set(typeof code === 'number' ? code : code.charCodeAt(0), o);
};
// Protocol 0 and 1.
op('(', { arg: 'none', mark: true, since: 0 });
op('.', { arg: 'none', pop: 1, stop: true, since: 0 });
op('0', { arg: 'none', pop: 1, since: 0 });
op('1', { arg: 'none', toMark: true, since: 0 });
op('2', { arg: 'none', pop: 1, push: 2, since: 0 });
op('F', { arg: 'float', push: 1, since: 0 });
op('I', { arg: 'decimal', push: 1, since: 0 });
op('J', { arg: 'i4', push: 1, since: 1 });
op('K', { arg: 'u1', push: 1, since: 1 });
op('L', { arg: 'long', push: 1, since: 0 });
op('M', { arg: 'u2', push: 1, since: 1 });
op('N', { arg: 'none', push: 1, since: 0 });
op('P', { arg: 'line', push: 1, since: 0 });
op('Q', { arg: 'none', pop: 1, push: 1, since: 1 });
op('R', { arg: 'none', pop: 2, push: 1, since: 0 });
op('S', { arg: 'quoted', push: 1, since: 0 });
op('T', { arg: 'bytes4', push: 1, since: 1 });
op('U', { arg: 'bytes1', push: 1, since: 1 });
op('V', { arg: 'line', push: 1, since: 0 });
op('X', { arg: 'bytes4', push: 1, since: 1 });
op('a', { arg: 'none', pop: 2, push: 1, since: 0 });
op('b', { arg: 'none', pop: 2, push: 1, since: 0 });
op('c', { arg: 'two_lines', push: 1, since: 0 });
op('d', { arg: 'none', toMark: true, even: true, push: 1, since: 0 });
op('}', { arg: 'none', push: 1, since: 1 });
op('e', { arg: 'none', toMark: true, below: 1, since: 1 });
op('g', { arg: 'decimal', memo: 'get', push: 1, since: 0 });
op('h', { arg: 'u1', memo: 'get', push: 1, since: 1 });
op('i', { arg: 'two_lines', toMark: true, push: 1, since: 0 });
op('j', { arg: 'i4', memo: 'get', push: 1, since: 1 });
op('l', { arg: 'none', toMark: true, push: 1, since: 0 });
op(']', { arg: 'none', push: 1, since: 1 });
op('o', { arg: 'none', toMark: true, push: 1, since: 1 });
op('p', { arg: 'decimal', memo: 'put', pop: 1, push: 1, since: 0 });
op('q', { arg: 'u1', memo: 'put', pop: 1, push: 1, since: 1 });
op('r', { arg: 'i4', memo: 'put', pop: 1, push: 1, since: 1 });
op('s', { arg: 'none', pop: 3, push: 1, since: 0 });
op('t', { arg: 'none', toMark: true, push: 1, since: 0 });
op(')', { arg: 'none', push: 1, since: 1 });
op('u', { arg: 'none', toMark: true, even: true, below: 1, since: 1 });
op('G', { arg: 'u8', push: 1, since: 1 });
// Protocol 2.
op(0x80, { arg: 'u1', proto: true, since: 2 });
op(0x81, { arg: 'none', pop: 2, push: 1, since: 2 });
op(0x82, { arg: 'u1', push: 1, since: 2 });
op(0x83, { arg: 'u2', push: 1, since: 2 });
op(0x84, { arg: 'i4', push: 1, since: 2 });
op(0x85, { arg: 'none', pop: 1, push: 1, since: 2 });
op(0x86, { arg: 'none', pop: 2, push: 1, since: 2 });
op(0x87, { arg: 'none', pop: 3, push: 1, since: 2 });
op(0x88, { arg: 'none', push: 1, since: 2 });
op(0x89, { arg: 'none', push: 1, since: 2 });
op(0x8a, { arg: 'bytes1', push: 1, since: 2 });
op(0x8b, { arg: 'bytes4', push: 1, since: 2 });
// Protocol 3.
op('B', { arg: 'bytes4', push: 1, since: 3 });
op('C', { arg: 'bytes1', push: 1, since: 3 });
// Protocol 4.
op(0x8c, { arg: 'bytes1', push: 1, since: 4 });
op(0x8d, { arg: 'bytes8', push: 1, since: 4 });
op(0x8e, { arg: 'bytes8', push: 1, since: 4 });
op(0x8f, { arg: 'none', push: 1, since: 4 });
op(0x90, { arg: 'none', toMark: true, below: 1, since: 4 });
op(0x91, { arg: 'none', toMark: true, push: 1, since: 4 });
op(0x92, { arg: 'none', pop: 3, push: 1, since: 4 });
op(0x93, { arg: 'none', pop: 2, push: 1, since: 4 });
op(0x94, { arg: 'none', memo: 'memoize', pop: 1, push: 1, since: 4 });
op(0x95, { arg: 'u8', since: 4 });
// Protocol 5.
op(0x96, { arg: 'bytes8', push: 1, since: 5 });
op(0x97, { arg: 'none', push: 1, since: 5 });
op(0x98, { arg: 'none', pop: 1, push: 1, since: 5 });

/** Well-formed opcodes needed to call a stream that the head cuts off before STOP a pickle. */
export const MIN_OPS_UNTERMINATED = 64;
/** Opcodes a header-less pickle followed by other bytes must have. */
const MIN_OPS_WITH_TRAILER = 8;
/** Longest text argument line (module names, reprs) the walker accepts. */
const MAX_LINE = 4096;

const DECIMAL = /^[+-]?\d+$/;
const LONG = /^[+-]?\d+L?$/;
const FLOAT = /^(?:[+-]?(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)|[+-]?inf|nan)$/i;
const QUOTED = /^(?:'[^\n]*'|"[^\n]*")$/s;
const IDENTIFIER = /^[A-Za-z_][\w.]*$/;

/** What a walk found. */
export interface PickleScan {
  pickle: boolean;
  /** The protocol PROTO declares, or the lowest protocol the opcodes seen need (0 or 1). */
  protocol: number | null;
  /** Well-formed opcodes walked. */
  opcodes: number;
  /** Whether STOP was reached. */
  complete: boolean;
}

const NOT_A_PICKLE: PickleScan = Object.freeze({ pickle: false, protocol: null, opcodes: 0, complete: false });

/** Reads a `\n`-terminated line at `pos`; null when the bytes run out first, or it is too long / not ASCII. */
function readLine(bytes: Uint8Array, pos: number): { text: string; next: number } | null | 'eof' {
  const end = Math.min(bytes.length, pos + MAX_LINE + 1);
  for (let i = pos; i < end; i++) {
    const c = bytes[i] ?? 0;
    if (c === 0x0a) return { text: String.fromCharCode(...bytes.subarray(pos, i)), next: i + 1 };
    if (c < 0x20 && c !== 0x09 && c !== 0x0d) return null;
  }
  return end === bytes.length ? 'eof' : null;
}

function uint(bytes: Uint8Array, pos: number, n: number): number {
  let v = 0;
  for (let i = n - 1; i >= 0; i--) v = v * 256 + (bytes[pos + i] ?? 0);
  return v;
}

/**
 * Walks the opcode stream at the start of `bytes`.
 *
 * @example scanPickle(new TextEncoder().encode('apple')).pickle // false
 */
export function scanPickle(bytes: Uint8Array): PickleScan {
  let pos = 0;
  let stack = 0;
  const marks: number[] = [];
  const memo = new Set<number>();
  let memoSize = 0;
  let ops = 0;
  let declared: number | null = null;
  let needs = 0;
  const cut = (): PickleScan =>
    ops >= MIN_OPS_UNTERMINATED ? { pickle: true, protocol: declared ?? needs, opcodes: ops, complete: false } : NOT_A_PICKLE;

  while (pos < bytes.length) {
    const code = bytes[pos] ?? 0;
    const o = OPS.get(code);
    if (!o) return NOT_A_PICKLE;
    if (o.proto && ops !== 0) return NOT_A_PICKLE;
    if (declared !== null && o.since > declared) return NOT_A_PICKLE;
    needs = Math.max(needs, o.since);
    pos++;
    // The argument.
    let num: number | null = null;
    switch (o.arg) {
      case 'none':
        break;
      case 'u1':
      case 'u2':
      case 'i4':
      case 'u8': {
        const n = o.arg === 'u1' ? 1 : o.arg === 'u2' ? 2 : o.arg === 'i4' ? 4 : 8;
        if (pos + n > bytes.length) return cut();
        num = uint(bytes, pos, n);
        pos += n;
        break;
      }
      case 'bytes1':
      case 'bytes4':
      case 'bytes8': {
        const n = o.arg === 'bytes1' ? 1 : o.arg === 'bytes4' ? 4 : 8;
        if (pos + n > bytes.length) return cut();
        const len = uint(bytes, pos, n);
        // A signed 4-byte length above 2^31 is negative: not a valid pickle.
        if (n === 4 && len >= 0x80000000) return NOT_A_PICKLE;
        pos += n;
        if (pos + len > bytes.length) {
          // The data runs past the head: the stream is consistent so far.
          pos = bytes.length;
          ops++;
          return cut();
        }
        pos += len;
        break;
      }
      default: {
        const line = readLine(bytes, pos);
        if (line === 'eof') return cut();
        if (line === null) return NOT_A_PICKLE;
        const text = line.text;
        const ok =
          o.arg === 'decimal' ? DECIMAL.test(text) : o.arg === 'long' ? LONG.test(text) : o.arg === 'float' ? FLOAT.test(text) : o.arg === 'quoted' ? QUOTED.test(text) : o.arg === 'line' ? true : IDENTIFIER.test(text);
        if (!ok) return NOT_A_PICKLE;
        pos = line.next;
        if (o.arg === 'decimal') num = Number(text);
        if (o.arg === 'two_lines') {
          const second = readLine(bytes, pos);
          if (second === 'eof') return cut();
          if (second === null || !IDENTIFIER.test(second.text)) return NOT_A_PICKLE;
          pos = second.next;
        }
      }
    }
    if (o.proto) {
      if (num === null || num < 2 || num > 5) return NOT_A_PICKLE;
      declared = num;
    }
    // The stack effect.
    if (o.mark) {
      marks.push(stack);
      stack = 0;
    }
    if (o.toMark) {
      const under = marks.pop();
      if (under === undefined) return NOT_A_PICKLE;
      if (o.even && stack % 2 !== 0) return NOT_A_PICKLE;
      if ((o.below ?? 0) > under) return NOT_A_PICKLE;
      stack = under;
    }
    if (o.pop) {
      if (stack < o.pop) {
        // POP with an empty frame pops the mark (pickle's `load_pop`).
        if (code === 0x30 && stack === 0 && marks.length > 0) stack = marks.pop() ?? 0;
        else return NOT_A_PICKLE;
      } else stack -= o.pop;
    }
    if (o.memo === 'get') {
      if (num === null || !memo.has(num)) return NOT_A_PICKLE;
    } else if (o.memo === 'put') {
      if (num === null) return NOT_A_PICKLE;
      memo.add(num);
      memoSize++;
    } else if (o.memo === 'memoize') {
      memo.add(memoSize++);
    }
    stack += o.push ?? 0;
    ops++;
    if (o.stop) {
      // STOP pops the one result: a pickle holds exactly one object.
      if (stack !== 0 || marks.length !== 0) return NOT_A_PICKLE;
      // Bytes may follow a pickle (torch's legacy format, joblib's arrays), but a short opcode-like
      // prefix of ordinary text (`N. B. …`) is not one: trailing bytes need PROTO or a real stream.
      const trailing = bytes.subarray(pos).some((c) => c !== 0x0a && c !== 0x0d && c !== 0x20);
      if (ops < 2 || (trailing && declared === null && ops < MIN_OPS_WITH_TRAILER)) return NOT_A_PICKLE;
      return { pickle: true, protocol: declared ?? needs, opcodes: ops, complete: true };
    }
  }
  return cut();
}
