// Shape-aware tokenizer: turns a log body into a masked token sequence in one pass.
//
// Why shapes and not per-source regexes: Drain's published accuracy depends on one hand-written
// set of regexes per dataset (mean GA 0.865 with them, 0.703 without, Loghub). A variable is
// recognisable by its shape in almost every log format (numbers, hex, addresses, paths, URLs,
// UUIDs, dates, durations and sizes with units), and punctuation binds values to words
// (`uid=509`, `size:12`, `[HRESULT = 0x80]`), so the tokenizer splits there. The rules below are
// the single configuration used for every source.
//
// Cost: O(length of the body) per line, a handful of small allocations per token.

/** The wildcard that stands for a variable in a template. */
export const WILDCARD = '<*>';

/** Token sequence of one line: `glue[i]` is true when token i touched the previous one (no space). */
export interface TokenizedLine {
  tokens: string[];
  glue: boolean[];
}

/** Characters that bind a value to a word and become tokens of their own. */
const DELIMS = new Set<number>(Array.from('=:,;()[]{}"\'|', (c) => c.charCodeAt(0)));

/** Units that follow a number (`431 bytes`, `3 sec`, `1.13 KB`): absorbed into the variable. */
const UNITS = new Set([
  'ns', 'us', 'µs', 'ms', 's', 'sec', 'secs', 'second', 'seconds', 'min', 'mins', 'minute', 'minutes',
  'h', 'hr', 'hrs', 'hour', 'hours', 'day', 'days',
  'b', 'kb', 'mb', 'gb', 'tb', 'kib', 'mib', 'gib', 'tib', 'byte', 'bytes',
]);

/** Calendar words are variables in timestamps (`at Mon Jul 25 23:24:09 2005`). */
const CALENDAR = new Set([
  'Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec',
  'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun',
  'January', 'February', 'March', 'April', 'June', 'July', 'August', 'September', 'October',
  'November', 'December', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday',
]);

/** Last labels that make a dotted lower-case word a host name (`proxy.cse.cuhk.edu.hk`). */
const TLDS = new Set([
  'com', 'net', 'org', 'edu', 'gov', 'mil', 'int', 'io', 'info', 'biz', 'local', 'lan', 'internal',
  'localdomain', 'asia', 'name', 'mobi', 'aero', 'coop', 'museum', 'travel', 'jobs', 'tel', 'pro', 'cloud',
  'online', 'site', 'xyz', 'top', 'dev', 'app',
]);

const BRACKETS = new Set(['(', ')', '[', ']', '{', '}']);
const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const isLetter = (c: number): boolean => c >= 97 && c <= 122;
const isSpace = (c: number): boolean => c <= 32;
const isOpen = (t: string): boolean => t === '(' || t === '[';
const closes = (open: string, t: string): boolean => (open === '(' && t === ')') || (open === '[' && t === ']');

/** Single-character delimiter tokens (as emitted by the tokenizer). */
export function isDelimiterToken(t: string): boolean {
  return t.length === 1 && DELIMS.has(t.charCodeAt(0));
}

const CONSTANT = 0;
const VARIABLE = 1;
const HAS_DIGITS = 2;

/**
 * Shape of the word `s[start, end)`: CONSTANT, VARIABLE (as a whole: paths, host names, calendar
 * words, hashes) or HAS_DIGITS (masked segment by segment, see classifyWord).
 */
function wordShape(s: string, start: number, end: number, qualifiedNames: boolean): number {
  let dots = 0;
  let slashes = 0;
  let digits = 0;
  let hostChars = true;
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    if (isDigit(c)) digits++;
    // A backslash: a Windows path.
    else if (c === 92) return VARIABLE;
    else if (c === 46) dots++;
    else if (c === 47) {
      slashes++;
      hostChars = false;
    }
    else if (!((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 45)) hostChars = false;
  }
  const len = end - start;
  // A Unix path or URL path (`/usr/lib/x`): the leading slash marks it; relative paths
  // (`./x`, `../x`, `~/x`).
  const c0 = s.charCodeAt(start);
  if (len > 1 && c0 === 47) return VARIABLE;
  if (len > 2 && (c0 === 46 || c0 === 126)) {
    const slash = s.indexOf('/', start);
    if (slash > start && slash <= start + 2 && slash < end) return VARIABLE;
  }
  // Host names: dotted labels ending in a top-level domain (case-insensitive, RFC 4343).
  if (dots >= 1 && hostChars) {
    const last = s.lastIndexOf('.', end - 1);
    if (last > start && last < end - 1 && last >= end - 12) {
      const tld = s.slice(last + 1, end).toLowerCase();
      // Every country-code TLD has two letters (ISO 3166-1 alpha-2); generic ones are listed.
      if ((tld.length === 2 && isLetter(tld.charCodeAt(0)) && isLetter(tld.charCodeAt(1))) || TLDS.has(tld)) return VARIABLE;
    }
  }
  // Relative paths of any depth (`conf/app/site.xml`, `a/b/c`): two or more slashes.
  if (slashes >= 2) return VARIABLE;
  // Qualified names (`com.tencent.mm`, `org.apache.hadoop.mapreduce.Job`, `system.time.show`):
  // three or more dotted labels name a package, class, host or key, i.e. a value (when enabled).
  if (qualifiedNames && dots >= 2 && slashes === 0 && len > 4) {
    const c1 = s.charCodeAt(end - 1);
    const dd = s.indexOf('..', start);
    if (c0 !== 46 && c1 !== 46 && (dd < 0 || dd >= end - 1)) return VARIABLE;
  }
  // Component names `package/class` (`com.tencent.mm/.ui.LauncherUI`): a slash inside a dotted word.
  if (dots >= 2 && len > 2) {
    const slash = s.indexOf('/', start);
    if (slash > start && slash < end) return VARIABLE;
  }
  if (digits > 0) return HAS_DIGITS;
  if (len >= 3 && len <= 9 && CALENDAR.has(s.slice(start, end))) return VARIABLE;
  // Long hex strings written only with the letters a-f (hashes without digits).
  if (len >= 12) {
    let hex = true;
    for (let i = start; i < end && hex; i++) {
      const c = s.charCodeAt(i) | 32;
      hex = c >= 97 && c <= 102;
    }
    if (hex) return VARIABLE;
  }
  return CONSTANT;
}

/** Separators inside a word: a word is masked segment by segment (`blk_<*>`, `core.<*>`). */
const SEGMENT_SEPS = new Set<number>(Array.from('._-/#@~+*$&!?%^', (c) => c.charCodeAt(0)));

/**
 * The word itself when it is a constant; WILDCARD when it is a variable as a whole; otherwise the
 * word with its digit-bearing segments masked (`core.2275` → `core.<*>`,
 * `attempt_1445_0020_m_000000_0` → `attempt_<*>_m_<*>`): the constant part of an identifier is
 * often what tells two events apart.
 */
function classifyWord(s: string, start: number, end: number, qualifiedNames: boolean): string {
  const shape = wordShape(s, start, end, qualifiedNames);
  if (shape === CONSTANT) return s.slice(start, end);
  if (shape === VARIABLE) return WILDCARD;
  let out = '';
  let literalLetters = 0;
  let i = start;
  let lastWasVar = false;
  while (i < end) {
    const c = s.charCodeAt(i);
    // A sign before digits belongs to the number (`blk_-6952`, `offset+12`).
    const signed = (c === 45 || c === 43) && i + 1 < end && isDigit(s.charCodeAt(i + 1)) && (i === start || SEGMENT_SEPS.has(s.charCodeAt(i - 1)));
    if (SEGMENT_SEPS.has(c) && !signed) {
      out += s[i];
      i++;
      continue;
    }
    const segStart = i;
    let digit = false;
    if (signed) i++;
    while (i < end && !SEGMENT_SEPS.has(s.charCodeAt(i))) {
      if (isDigit(s.charCodeAt(i))) digit = true;
      i++;
    }
    if (digit) {
      if (lastWasVar) {
        // `<*>.<*>` → `<*>`: drop the separators between two masked segments.
        let k = out.length;
        while (k > 0 && out.charCodeAt(k - 1) !== 62) k--;
        out = out.slice(0, k);
      } else out += WILDCARD;
      lastWasVar = true;
    } else {
      out += s.slice(segStart, i);
      literalLetters += i - segStart;
      lastWasVar = false;
    }
  }
  return literalLetters >= 2 ? out : WILDCARD;
}

/**
 * Whole-chunk address shapes: `host:port` with a lower-case host name (`wpad:80`,
 * `bx.optimix.asia:443`), MAC addresses and IPv6 (`FF:F2:9F:16:E2:23`, `fe80::1`).
 */
function isAddressChunk(s: string, start: number, end: number): boolean {
  while (end > start && (s.charCodeAt(end - 1) === 44 || s.charCodeAt(end - 1) === 59 || s.charCodeAt(end - 1) === 46)) end--;
  const colon = s.indexOf(':', start);
  if (colon <= start || colon >= end - 1) return false;
  // host:port
  let host = true;
  let letters = 0;
  for (let i = start; i < colon && host; i++) {
    const c = s.charCodeAt(i);
    if (c >= 97 && c <= 122) letters++;
    else host = isDigit(c) || c === 46 || c === 45;
  }
  if (host && letters > 0 && end - colon - 1 <= 5) {
    let port = true;
    for (let i = colon + 1; i < end && port; i++) port = isDigit(s.charCodeAt(i));
    if (port) return true;
  }
  // colon-separated hex groups (MAC, IPv6)
  let groups = 1;
  let groupLen = 0;
  let digits = 0;
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c === 58) {
      groups++;
      groupLen = 0;
      continue;
    }
    const l = c | 32;
    if (!(isDigit(c) || (l >= 97 && l <= 102))) return false;
    if (isDigit(c)) digits++;
    if (++groupLen > 4) return false;
  }
  return groups >= 4 && digits > 0;
}

const isQuote = (c: number): boolean => c === 34 || c === 39;

/** A masked quotation keeps its quotes as structure: `"disk is full"` → `" <*> "`. */
function pushQuoted(raw: string[], rawGlue: boolean[], quote: string, glued: boolean): void {
  raw.push(quote, WILDCARD, quote);
  rawGlue.push(glued, true, true);
}

/** Longest quoted region scanned (bounds the work per line). */
const MAX_QUOTED_CHARS = 1024;

/**
 * The index of the quote that closes the quote at `open`, when the quoted text is empty or holds
 * whitespace (it runs past `chunkEnd`) and the closing quote ends a word (followed by the end, a space or
 * punctuation); -1 otherwise.
 */
function closingQuote(s: string, open: number, chunkEnd: number): number {
  const q = s.charCodeAt(open);
  // The empty string (`""`, `''`) is a value too.
  if (s.charCodeAt(open + 1) === q && (open + 2 >= s.length || !isLetter(s.charCodeAt(open + 2) | 32))) return open + 1;
  const limit = Math.min(s.length, open + MAX_QUOTED_CHARS);
  const close = s.indexOf(String.fromCharCode(q), open + 1);
  if (close < 0 || close >= limit || close < chunkEnd) return -1;
  const after = close + 1 < s.length ? s.charCodeAt(close + 1) : 32;
  // Free text only: quoted text holding digits or slashes is a structured record (a request line
  // `"GET /a/b HTTP/1.1"`) whose words tell events apart.
  for (let k = open + 1; k < close; k++) {
    const c = s.charCodeAt(k);
    if (isDigit(c) || c === 47) return -1;
  }
  if (!(isSpace(after) || after === 44 || after === 59 || after === 58 || after === 46 || after === 41 || after === 93 || after === 125)) return -1;
  return close;
}

/**
 * A chunk that is a URL path with a query string (`/a/b?x=1`, optionally opened by a quote; `qm`
 * is its first `?`): the index where its trailing punctuation starts (`"`, `)`, `,` ...), or -1.
 */
function queryPathEnd(s: string, start: number, end: number, qm: number): number {
  let p = start;
  if (isQuote(s.charCodeAt(p))) p++;
  if (p >= end - 1 || s.charCodeAt(p) !== 47) return -1;
  if (qm <= p || qm >= end - 1) return -1;
  let e = end;
  while (e > qm + 1) {
    const c = s.charCodeAt(e - 1);
    if (c === 34 || c === 39 || c === 41 || c === 93 || c === 125 || c === 44 || c === 59) e--;
    else break;
  }
  return e;
}

function isNumeric(s: string, start: number, end: number): boolean {
  let digits = 0;
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    if (isDigit(c)) digits++;
    else if (c !== 46 && c !== 45 && c !== 43 && c !== 60 && c !== 62 && c !== 126) return false;
  }
  return digits > 0;
}

/**
 * Tokenize and mask a log body. `maxTokens` bounds the work and memory per line: the rest of a
 * longer body becomes one trailing wildcard.
 */
export function tokenize(body: string, maxTokens = 128, maskQuotedText = false, maskQualifiedNames = false): TokenizedLine {
  const raw: string[] = [];
  const rawGlue: boolean[] = [];
  /** Indices in `raw` of wildcards that were bare numbers (for the indexed-name rule). */
  const numeric: number[] = [];
  const n = body.length;
  let i = 0;
  let prevNumeric = false; // previous emitted token was a bare number (for unit absorption)
  let truncated = false;
  let resumed = false;
  while (i < n) {
    if (i < n && isSpace(body.charCodeAt(i))) resumed = false;
    while (i < n && isSpace(body.charCodeAt(i))) i++;
    if (i >= n) break;
    if (raw.length >= maxTokens) {
      truncated = true;
      break;
    }
    const chunkStart = i;
    // One pass over the chunk also notes what the whole-chunk rules look for (`://`, `?`).
    let url = -1;
    let qm = -1;
    while (i < n) {
      const c = body.charCodeAt(i);
      if (isSpace(c)) break;
      if (c === 58 && url < 0 && body.charCodeAt(i + 1) === 47 && body.charCodeAt(i + 2) === 47) url = i;
      else if (c === 63 && qm < 0) qm = i;
      i++;
    }
    const chunkEnd = i;
    // Quoted text holding spaces is one value (`"disk is full"`), when enabled.
    if (maskQuotedText && isQuote(body.charCodeAt(chunkStart))) {
      const close = closingQuote(body, chunkStart, chunkEnd);
      if (close > 0) {
        pushQuoted(raw, rawGlue, body[chunkStart], false);
        prevNumeric = false;
        i = close + 1;
        resumed = true;
        continue;
      }
    }
    // A URL path with a query string (`/v2/servers/detail?limit=10&marker=x`) is one variable,
    // whatever the query holds; the punctuation that closes the chunk stays structure.
    const q = qm < 0 ? -1 : queryPathEnd(body, chunkStart, chunkEnd, qm);
    if (q > 0) {
      if (body.charCodeAt(chunkStart) !== 47) {
        raw.push(body[chunkStart]);
        rawGlue.push(false);
      }
      raw.push(WILDCARD);
      rawGlue.push(body.charCodeAt(chunkStart) !== 47);
      for (let k = q; k < chunkEnd; k++) {
        raw.push(body[k]);
        rawGlue.push(true);
      }
      prevNumeric = false;
      continue;
    }
    // A URL is one variable whatever punctuation it holds.
    if (url > chunkStart) {
      raw.push(WILDCARD);
      rawGlue.push(false);
      prevNumeric = false;
      continue;
    }
    if (isAddressChunk(body, chunkStart, chunkEnd)) {
      raw.push(WILDCARD);
      rawGlue.push(false);
      prevNumeric = false;
      continue;
    }
    let j = chunkStart;
    // The rest of a chunk after a masked quotation stays glued to it (`"a b",`).
    let first = !resumed;
    resumed = false;
    let resumeAt = -1;
    while (j < chunkEnd) {
      const c = body.charCodeAt(j);
      // `msg="disk is full"`: quoted text after a key, when enabled.
      if (maskQuotedText && !first && isQuote(c) && (body.charCodeAt(j - 1) === 61 || body.charCodeAt(j - 1) === 58)) {
        const close = closingQuote(body, j, chunkEnd);
        if (close > 0) {
          pushQuoted(raw, rawGlue, body[j], true);
          prevNumeric = false;
          resumeAt = close + 1;
          break;
        }
      }
      if (DELIMS.has(c)) {
        raw.push(body[j]);
        rawGlue.push(!first);
        first = false;
        prevNumeric = false;
        j++;
        continue;
      }
      const wStart = j;
      while (j < chunkEnd && !DELIMS.has(body.charCodeAt(j))) j++;
      // A unit right after a bare number belongs to the number (`431 bytes`, `3 sec`).
      if (first && prevNumeric && j - wStart <= 7 && UNITS.has(body.slice(wStart, j).toLowerCase())) {
        prevNumeric = false;
        first = false;
        continue;
      }
      const word = classifyWord(body, wStart, j, maskQualifiedNames);
      raw.push(word);
      prevNumeric = word === WILDCARD && isNumeric(body, wStart, j);
      if (prevNumeric) numeric.push(raw.length - 1);
      rawGlue.push(!first);
      first = false;
    }
    if (resumeAt > 0) {
      i = resumeAt;
      resumed = true;
    }
  }
  if (truncated) {
    raw.push(WILDCARD);
    rawGlue.push(false);
  }
  return normalise(raw, rawGlue, numeric);
}

/**
 * Two rewrites on the masked sequence:
 * 1. A bracket group that follows a space and holds only variables or nothing is an annotation
 *    (`431 bytes (0.42 KB) sent`, `from 1.2.3.4 () at`): it is dropped, so lines with and
 *    without it share a template.
 * 2. Variables separated only by delimiters or spaces (`10.0.0.1:80`, `7013 5007 150218`, `1,2,3`)
 *    are one variable: lists and compound values vary in length.
 */
function normalise(raw: string[], rawGlue: boolean[], numeric: readonly number[]): TokenizedLine {
  const tokens: string[] = [];
  const glue: boolean[] = [];
  /** tokens[m] is a wildcard that was a bare number. */
  const isNum: boolean[] = [];
  let nextNumeric = 0;
  const opens: number[] = [];
  const openGlued: boolean[] = [];
  const braces: number[] = [];
  for (let k = 0; k < raw.length; k++) {
    const t = raw[k];
    if (t === '{') braces.push(tokens.length);
    else if (t === '}' && braces.length > 0) {
      // A brace group holding key/value pairs (`{"a":1,"b":"x"}`, `{env=prod, zone=a}`) or only
      // variables is a data structure, i.e. one value: JSON fragments and maps vary in length.
      const at = braces.pop() as number;
      if (at < tokens.length && tokens[at] === '{') {
        let structured = true;
        let pairs = false;
        for (let m = at + 1; m < tokens.length; m++) {
          const x = tokens[m];
          if (x === ':' || x === '=') pairs = true;
          else if (x === '{' || x === '}') structured = false;
        }
        let onlyVariables = true;
        for (let m = at + 1; m < tokens.length && onlyVariables; m++) onlyVariables = tokens[m] === WILDCARD || isDelimiterToken(tokens[m]);
        if (structured && (pairs || onlyVariables)) {
          const g = glue[at];
          tokens.length = at;
          glue.length = at;
          isNum.length = at;
          // Opening brackets recorded inside the group are gone with it.
          while (opens.length > 0 && opens[opens.length - 1] >= at) {
            opens.pop();
            openGlued.pop();
          }
          tokens.push(WILDCARD);
          glue.push(g);
          isNum.push(false);
          continue;
        }
      }
    }
    if (t.length === 1 && isOpen(t)) {
      opens.push(tokens.length);
      openGlued.push(rawGlue[k] && tokens.length > 0);
    } else if (opens.length > 0 && t.length === 1 && (t === ')' || t === ']')) {
      const at = opens.pop() as number;
      const glued = openGlued.pop() as boolean;
      if (at < tokens.length && closes(tokens[at], t)) {
        let onlyVariables = true;
        let variables = 0;
        for (let m = at + 1; m < tokens.length && onlyVariables; m++) {
          if (tokens[m] === WILDCARD) variables++;
          else onlyVariables = isDelimiterToken(tokens[m]);
        }
        const before = at > 0 ? tokens[at - 1] : '';
        if (onlyVariables && (!glued || (before === WILDCARD && variables > 0))) {
          // An annotation after a space (`(0.42 KB)`, `()`), or a suffix of a variable
          // (`<*>(3)`): dropped, so lines with and without it share a template.
          tokens.length = at;
          glue.length = at;
          isNum.length = at;
          continue;
        }
        if (glued && tokens.length === at + 2 && isNum[at + 1] && before !== '' && !isDelimiterToken(before)) {
          // A name indexed by a number (`LOCAL(0)`, `eth(2)`, `cpu[3]`) names an instance: a value,
          // written where an address or a number stands in other lines of the same event.
          const g = glue[at - 1];
          tokens.length = at - 1;
          glue.length = at - 1;
          isNum.length = at - 1;
          tokens.push(WILDCARD);
          glue.push(g);
          isNum.push(false);
          continue;
        }
      }
    }
    tokens.push(t);
    glue.push(rawGlue[k]);
    // `numeric` is ascending: advance through it alongside k.
    while (nextNumeric < numeric.length && numeric[nextNumeric] < k) nextNumeric++;
    isNum.push(nextNumeric < numeric.length && numeric[nextNumeric] === k);
  }
  // Collapse W (D* W)+ into W.
  const outT: string[] = [];
  const outG: boolean[] = [];
  let k = 0;
  while (k < tokens.length) {
    const t = tokens[k];
    outT.push(t);
    outG.push(glue[k]);
    k++;
    if (t !== WILDCARD) continue;
    for (;;) {
      let m = k;
      while (m < tokens.length && isDelimiterToken(tokens[m]) && !BRACKETS.has(tokens[m])) m++;
      if (m < tokens.length && tokens[m] === WILDCARD) k = m + 1;
      else break;
    }
  }
  return collapseRepeats(outT, outG);
}

/** Longest repeated item (in tokens) that collapseRepeats looks for. */
const MAX_LIST_ITEM = 4;

/**
 * A run of the same masked item repeated (`blk_<*> blk_<*> blk_<*>`, `node-<*> <*> <ok> node-<*>
 * <*> <ok>`) is a list, and lists vary in length: one copy of the item stands for the run. Only
 * items that hold a variable count (repeated constant words are kept).
 */
function collapseRepeats(tokens: string[], glue: boolean[]): TokenizedLine {
  let k = 0;
  const n = tokens.length;
  let outT: string[] | undefined;
  let outG: boolean[] | undefined;
  while (k < n) {
    let step = 0;
    for (let len = 1; len <= MAX_LIST_ITEM && step === 0 && k + 2 * len <= n; len++) {
      let hasVar = false;
      let same = true;
      for (let m = 0; m < len && same; m++) {
        if (tokens[k + m].includes(WILDCARD)) hasVar = true;
        same = tokens[k + m] === tokens[k + len + m] && (m === 0 || glue[k + m] === glue[k + len + m]);
      }
      if (!same || !hasVar) continue;
      // Skip every further copy of the item.
      let end = k + 2 * len;
      for (;;) {
        let again = end + len <= n;
        for (let m = 0; m < len && again; m++) again = tokens[end + m] === tokens[k + m] && (m === 0 || glue[end + m] === glue[k + m]);
        if (!again) break;
        end += len;
      }
      if (outT === undefined || outG === undefined) {
        outT = tokens.slice(0, k);
        outG = glue.slice(0, k);
      }
      for (let m = 0; m < len; m++) {
        outT.push(tokens[k + m]);
        outG.push(glue[k + m]);
      }
      step = end - k;
    }
    if (step === 0) {
      if (outT !== undefined && outG !== undefined) {
        outT.push(tokens[k]);
        outG.push(glue[k]);
      }
      step = 1;
    }
    k += step;
  }
  return outT === undefined || outG === undefined ? { tokens, glue } : { tokens: outT, glue: outG };
}

/** The template text of a token sequence: the stable identity of a template. */
export function templateText(tokens: readonly string[], glue: readonly boolean[]): string {
  let s = '';
  for (let i = 0; i < tokens.length; i++) {
    if (i > 0 && !glue[i]) s += ' ';
    s += tokens[i];
  }
  return s;
}
