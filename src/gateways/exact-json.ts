// JSON.parse turns 319228478889680318 into 319228478889680320: Kushki ticket numbers exceed 2^53.
// Node 20's JSON.parse has no access to the source text of a number, so integer literals that are
// not safe integers are quoted in the raw text before parsing: they arrive as exact decimal strings,
// and a schema that expects a number for them fails loudly instead of silently rounding.

/** Wraps every integer literal outside strings that is not a safe integer in quotes. */
export function quoteUnsafeIntegers(text: string): string {
  let out = '';
  let i = 0;
  const n = text.length;
  while (i < n) {
    const ch = text[i]!;
    if (ch === '"') {
      // Copy the whole string literal, honouring escapes.
      let j = i + 1;
      while (j < n && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j + 1;
      continue;
    }
    if (ch === '-' || (ch >= '0' && ch <= '9')) {
      let j = i + 1;
      while (j < n && /[0-9.eE+-]/.test(text[j]!)) j++;
      const literal = text.slice(i, j);
      const isInteger = /^-?\d+$/.test(literal);
      out += isInteger && !Number.isSafeInteger(Number(literal)) ? `"${literal}"` : literal;
      i = j;
      continue;
    }
    out += ch;
    i++;
  }
  return out;
}

/** Parses JSON text keeping unsafe integers as exact strings; throws SyntaxError on malformed text. */
export function parseJsonExact(text: string): unknown {
  return JSON.parse(quoteUnsafeIntegers(text));
}
