// Translates the Oniguruma regular expressions of Hugging Face tokenizer.json files (Ruby syntax,
// Unicode character classes) into JavaScript regular expressions for the 'u' flag. Constructs
// with the same meaning are rewritten; a construct with no JavaScript equivalent is an error
// that names it. Compiling and applying the result is left to the pipeline steps.

import { WHITE_SPACE } from '../../pre-tokenizers.js';

/** Word characters of Oniguruma's Unicode `\w`: letters, marks, decimal digits, connectors and joiners. */
const WORD = '\\p{Alphabetic}\\p{M}\\p{Nd}\\p{Pc}\\u200c\\u200d';

/** Oniguruma escapes that mean a set of characters, as the contents of a JavaScript class. */
const CLASS_ESCAPES: Record<string, string> = {
  s: WHITE_SPACE,
  d: '\\p{Nd}',
  w: WORD,
  h: '0-9a-fA-F',
};

/** POSIX bracket classes in Oniguruma's Unicode mode, as the contents of a JavaScript class. */
const POSIX_CLASSES: Record<string, string> = {
  alpha: '\\p{L}\\p{M}',
  alnum: '\\p{L}\\p{M}\\p{Nd}',
  digit: '\\p{Nd}',
  space: WHITE_SPACE,
  upper: '\\p{Lu}',
  lower: '\\p{Ll}',
  xdigit: '0-9a-fA-F',
  word: WORD,
  blank: '\\p{Zs}\\t',
};

/** Constructs that JavaScript lacks, by their opening text. */
const UNSUPPORTED_GROUPS: [string, string][] = [
  ['(?>', 'atomic group'],
  ['(?~', 'absent operator'],
  ['(?(', 'conditional'],
  ['(?#', ''],
];

/** Characters that case-insensitive matching also equates with a letter beyond its upper and lower case. */
const EXTRA_CASE_FORMS: Record<string, string> = { s: '\u017f', k: '\u212a', 'å': '\u212b' };

/** A construct of an Oniguruma pattern that has no JavaScript equivalent. */
export class RegexTranslationError extends Error {}

/**
 * Translates an Oniguruma pattern to JavaScript source for `new RegExp(source, 'gu')`.
 * Throws RegexTranslationError, whose message names the construct, for possessive quantifiers,
 * atomic groups, conditionals, `\G`, `\K`, class intersections, nested classes and inline
 * options other than `i`.
 */
export function translateOnigurumaRegex(pattern: string): string {
  const translator = new Translator(pattern);
  const source = translator.translateSequence(false, false);
  if (translator.position < pattern.length) throw new RegexTranslationError(`unmatched ')' at character ${translator.position}`);
  try {
    new RegExp(source, 'u');
  } catch (error) {
    throw new RegexTranslationError(`the translated pattern is invalid in JavaScript: ${(error as Error).message}`);
  }
  return source;
}

class Translator {
  position = 0;

  constructor(private readonly pattern: string) {}

  /** Translates up to the `)` that closes the current group (not consumed) or the end. */
  translateSequence(inGroup: boolean, caseless: boolean): string {
    let out = '';
    let ignoreCase = caseless;
    const pattern = this.pattern;
    while (this.position < pattern.length) {
      const char = pattern[this.position]!;
      if (char === ')') {
        if (!inGroup) break;
        return out;
      }
      if (char === '(') {
        const group = this.translateGroup(ignoreCase);
        if (group === 'ignore-case-on') ignoreCase = true;
        else out += group;
      } else if (char === '[') {
        out += this.translateClass(ignoreCase);
      } else if (char === '\\') {
        out += this.translateEscape(ignoreCase);
      } else if (char === '.') {
        this.position++;
        // Oniguruma's `.` excludes only LF; JavaScript's also excludes CR, U+2028 and U+2029.
        out += '[^\\n]';
      } else if (char === '^') {
        this.position++;
        // In Ruby syntax `^` and `$` always match at line boundaries, and only LF ends a line.
        out += '(?<![^\\n])';
      } else if (char === '$') {
        this.position++;
        out += '(?![^\\n])';
      } else if (char === '|') {
        this.position++;
        out += '|';
      } else if (char === '*' || char === '+' || char === '?' || char === '{') {
        out += this.translateQuantifier();
      } else {
        const codePoint = pattern.codePointAt(this.position)!;
        const literal = String.fromCodePoint(codePoint);
        this.position += literal.length;
        out += ignoreCase ? caseClass(literal) : escapeLiteral(literal);
      }
    }
    if (inGroup) throw new RegexTranslationError(`missing ')' at the end of the pattern`);
    return out;
  }

  private translateQuantifier(): string {
    const pattern = this.pattern;
    let quantifier: string;
    if (pattern[this.position] === '{') {
      const match = /^\{(\d*)(,?)(\d*)\}/.exec(pattern.slice(this.position));
      if (match === null || (match[1] === '' && match[3] === '')) {
        // Oniguruma reads a `{` that starts no interval as a literal brace.
        this.position++;
        return '\\{';
      }
      quantifier = match[1] === '' ? `{0,${match[3]}}` : match[0];
      this.position += match[0].length;
    } else {
      quantifier = pattern[this.position]!;
      this.position++;
    }
    const next = pattern[this.position];
    if (next === '?') {
      this.position++;
      return quantifier + '?';
    }
    if (next === '+') {
      if (quantifier.startsWith('{')) throw new RegexTranslationError(`repeated quantifier '${quantifier}+' has no JavaScript equivalent`);
      throw new RegexTranslationError(`possessive quantifier '${quantifier}+' has no JavaScript equivalent`);
    }
    if (next === '*' || next === '{') throw new RegexTranslationError(`repeated quantifier '${quantifier}${next}' has no JavaScript equivalent`);
    return quantifier;
  }

  /** Translates a group; returns 'ignore-case-on' for an inline `(?i)` that applies to the rest of the enclosing group. */
  private translateGroup(caseless: boolean): string {
    const pattern = this.pattern;
    const rest = pattern.slice(this.position);
    for (const [opening, name] of UNSUPPORTED_GROUPS) {
      if (!rest.startsWith(opening)) continue;
      if (opening === '(?#') {
        // A comment group matches nothing.
        const end = pattern.indexOf(')', this.position);
        if (end < 0) throw new RegexTranslationError(`missing ')' after comment group`);
        this.position = end + 1;
        return '';
      }
      throw new RegexTranslationError(`${name} '${opening}' has no JavaScript equivalent`);
    }
    let opening: string;
    let groupCaseless = caseless;
    const options = /^\(\?([imx]*)(?:-([imx]*))?(:|\))/.exec(rest);
    if (options !== null && (options[1] !== '' || options[2] !== undefined)) {
      const on = options[1]!;
      const off = options[2] ?? '';
      if (/[mx]/.test(on + off) || on.includes('i') === off.includes('i')) {
        throw new RegexTranslationError(`inline option '${options[0]}' has no JavaScript equivalent`);
      }
      groupCaseless = on.includes('i');
      this.position += options[0].length;
      if (options[3] === ')') {
        if (!groupCaseless) throw new RegexTranslationError(`inline option '${options[0]}' has no JavaScript equivalent`);
        return 'ignore-case-on';
      }
      opening = '(?:';
    } else {
      const known = /^\((?:\?:|\?=|\?!|\?<=|\?<!|\?<[A-Za-z_]\w*>|\?'[A-Za-z_]\w*'|)/.exec(rest)!;
      if (known[0] === '(' && rest.startsWith('(?')) {
        throw new RegexTranslationError(`group '${rest.slice(0, 3)}' has no JavaScript equivalent`);
      }
      opening = known[0].startsWith("(?'") ? `(?<${known[0].slice(3, -1)}>` : known[0];
      this.position += known[0].length;
    }
    const body = this.translateSequence(true, groupCaseless);
    this.position++;
    return `${opening}${body})`;
  }

  private translateEscape(caseless: boolean): string {
    const pattern = this.pattern;
    const letter = pattern[this.position + 1];
    if (letter === undefined) throw new RegexTranslationError(`pattern ends with '\\'`);
    const inClass = this.classContents(letter);
    if (inClass !== undefined) return inClass.negated ? `[^${inClass.contents}]` : `[${inClass.contents}]`;
    this.position += 2;
    switch (letter) {
      case 'A':
        return '^';
      case 'z':
        return '$';
      case 'Z':
        return '(?=\\n?$)';
      case 'b':
        return `(?:(?<=[${WORD}])(?![${WORD}])|(?<![${WORD}])(?=[${WORD}]))`;
      case 'B':
        return `(?:(?<=[${WORD}])(?=[${WORD}])|(?<![${WORD}])(?![${WORD}]))`;
      case 'R':
        return '(?:\\r\\n|[\\n-\\r\\x85\\u2028\\u2029])';
      case 'G':
      case 'K':
      case 'X':
      case 'y':
      case 'Y':
        throw new RegexTranslationError(`'\\${letter}' has no JavaScript equivalent`);
      default:
        return this.translateCharacterEscape(letter, caseless, false);
    }
  }

  /** Set escapes (`\s`, `\p{L}`...) as class contents; undefined for other escapes. Consumes the escape. */
  private classContents(letter: string): { contents: string; negated: boolean } | undefined {
    const lower = letter.toLowerCase();
    if (CLASS_ESCAPES[lower] !== undefined) {
      this.position += 2;
      return { contents: CLASS_ESCAPES[lower]!, negated: letter !== lower };
    }
    if (letter === 'p' || letter === 'P') {
      const match = /^\\[pP]\{(\^?)([^}]*)\}/.exec(this.pattern.slice(this.position));
      if (match === null) throw new RegexTranslationError(`'\\${letter}' needs a property name in braces`);
      this.position += match[0].length;
      return { contents: translateProperty(match[2]!), negated: (letter === 'P') !== (match[1] === '^') };
    }
    return undefined;
  }

  /** Translates a single-character escape such as `\n`, `\x{263A}` or `\.`. Consumes what follows the letter. */
  private translateCharacterEscape(letter: string, caseless: boolean, inClass: boolean): string {
    const pattern = this.pattern;
    if (letter === 'x') {
      const match = /^\{([0-9a-fA-F]+)\}|^([0-9a-fA-F]{1,2})/.exec(pattern.slice(this.position));
      if (match === null) throw new RegexTranslationError(`invalid '\\x' escape at character ${this.position - 2}`);
      this.position += match[0].length;
      const codePoint = parseInt(match[1] ?? match[2]!, 16);
      const literal = String.fromCodePoint(codePoint);
      return caseless && !inClass ? caseClass(literal) : `\\u{${codePoint.toString(16)}}`;
    }
    if (letter === 'u') {
      const match = /^[0-9a-fA-F]{4}/.exec(pattern.slice(this.position));
      if (match === null) throw new RegexTranslationError(`invalid '\\u' escape at character ${this.position - 2}`);
      this.position += 4;
      return `\\u${match[0]}`;
    }
    const simple: Record<string, string> = { n: '\\n', r: '\\r', t: '\\t', f: '\\f', v: '\\v', e: '\\x1b', a: '\\x07' };
    if (simple[letter] !== undefined) return simple[letter]!;
    if (/[1-9]/.test(letter)) {
      if (inClass) throw new RegexTranslationError(`octal escape '\\${letter}' has no JavaScript equivalent`);
      return `\\${letter}`;
    }
    if (letter === 'k') {
      const match = /^<([A-Za-z_]\w*)>/.exec(pattern.slice(this.position));
      if (match === null) throw new RegexTranslationError(`'\\k' backreference must name a group as \\k<name>`);
      this.position += match[0].length;
      return `\\k<${match[1]}>`;
    }
    if (/[A-Za-z0-9]/.test(letter)) throw new RegexTranslationError(`'\\${letter}' has no JavaScript equivalent`);
    return caseless && !inClass ? caseClass(letter) : escapeLiteral(letter);
  }

  private translateClass(caseless: boolean): string {
    const pattern = this.pattern;
    this.position++;
    let out = '[';
    if (pattern[this.position] === '^') {
      out += '^';
      this.position++;
    }
    let first = true;
    while (this.position < pattern.length) {
      const char = pattern[this.position]!;
      if (char === ']' && !first) {
        this.position++;
        return out + ']';
      }
      first = false;
      if (char === '[') {
        const posix = /^\[:(\^?)([a-z]+):\]/.exec(pattern.slice(this.position));
        if (posix === null) throw new RegexTranslationError(`nested character class at character ${this.position} has no JavaScript equivalent`);
        const contents = POSIX_CLASSES[posix[2]!];
        if (contents === undefined) throw new RegexTranslationError(`POSIX class '[:${posix[2]}:]' has no JavaScript equivalent`);
        if (posix[1] === '^') throw new RegexTranslationError(`negated POSIX class '[:^${posix[2]}:]' has no JavaScript equivalent`);
        out += contents;
        this.position += posix[0].length;
        continue;
      }
      if (char === '&' && pattern[this.position + 1] === '&') {
        throw new RegexTranslationError(`class intersection '&&' has no JavaScript equivalent`);
      }
      if (char === '\\') {
        const letter = pattern[this.position + 1];
        if (letter === undefined) break;
        const set = this.classContents(letter);
        if (set !== undefined) {
          out += set.negated ? negatedClassContents(set.contents, letter) : set.contents;
          continue;
        }
        this.position += 2;
        if (letter === 'b') {
          out += '\\x08';
          continue;
        }
        out += this.translateCharacterEscape(letter, caseless, true);
        continue;
      }
      const literal = String.fromCodePoint(pattern.codePointAt(this.position)!);
      this.position += literal.length;
      if (literal === '-') {
        const isRange = out.length > 1 && out !== '[^' && pattern[this.position] !== ']';
        if (isRange && caseless) throw new RegexTranslationError(`range inside a case-insensitive class has no JavaScript equivalent`);
        out += isRange ? '-' : '\\-';
        continue;
      }
      out += caseless ? caseForms(literal).map(escapeClassLiteral).join('') : escapeClassLiteral(literal);
    }
    throw new RegexTranslationError(`missing ']' at the end of the pattern`);
  }
}

/**
 * Returns the complement of a set escape as class contents: `\P{...}` for one Unicode property,
 * White_Space for `\S`. A JavaScript class cannot contain the complement of a union (`\W`, `\H`).
 */
function negatedClassContents(contents: string, letter: string): string {
  if (contents === WHITE_SPACE) return '\\P{White_Space}';
  const property = /^\\p(\{[^}]+\})$/.exec(contents);
  if (property !== null) return `\\P${property[1]}`;
  throw new RegexTranslationError(`negated escape '\\${letter}' inside a character class has no JavaScript equivalent`);
}

/** Translates an Oniguruma property name to the contents of a JavaScript class. */
function translateProperty(name: string): string {
  for (const candidate of [name, `Script=${name}`]) {
    try {
      new RegExp(`\\p{${candidate}}`, 'u');
      return `\\p{${candidate}}`;
    } catch {
      // Try the next spelling.
    }
  }
  throw new RegexTranslationError(`Unicode property '${name}' has no JavaScript equivalent`);
}

/** Returns the forms of a character that case-insensitive matching equates, itself first. */
function caseForms(literal: string): string[] {
  const forms = new Set([literal]);
  for (const form of [literal.toLowerCase(), literal.toUpperCase()]) {
    if ([...form].length === 1) forms.add(form);
  }
  const extra = EXTRA_CASE_FORMS[literal.toLowerCase()];
  if (extra !== undefined) forms.add(extra);
  return [...forms];
}

function caseClass(literal: string): string {
  const forms = caseForms(literal);
  if (forms.length === 1) return escapeLiteral(literal);
  return `[${forms.map(escapeClassLiteral).join('')}]`;
}

function escapeLiteral(literal: string): string {
  return /[\\^$.*+?()[\]{}|/]/.test(literal) ? `\\${literal}` : literal;
}

function escapeClassLiteral(literal: string): string {
  return /[\\\]^\-[]/.test(literal) ? `\\${literal}` : literal;
}
