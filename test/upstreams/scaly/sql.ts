export interface SqlStatement {
  /** The statement as written (comments kept, trailing `;` dropped). */
  text: string;
  /** First keyword, upper-case, comments ignored. */
  keyword: string;
}

/**
 * Splits SQL on top-level `;`, honouring quotes, dollar quotes and comments, so statements can be run one at a
 * time (PGlite reports cumulative row counts for multi-statement `exec`) and checked for forbidden keywords.
 */
export function splitSql(sql: string): SqlStatement[] {
  const out: SqlStatement[] = [];
  let text = "";
  let code = "";
  let i = 0;
  const flush = () => {
    const keyword = /^\s*([A-Za-z]+)/.exec(code)?.[1]?.toUpperCase();
    if (keyword) out.push({ text: text.trim(), keyword });
    text = "";
    code = "";
  };
  while (i < sql.length) {
    const ch = sql[i] as string;
    const rest = sql.slice(i);
    if (rest.startsWith("--")) {
      const end = sql.indexOf("\n", i);
      const stop = end === -1 ? sql.length : end;
      text += sql.slice(i, stop);
      code += " ";
      i = stop;
      continue;
    }
    if (rest.startsWith("/*")) {
      let depth = 0;
      let j = i;
      do {
        if (sql.startsWith("/*", j)) {
          depth += 1;
          j += 2;
        } else if (sql.startsWith("*/", j)) {
          depth -= 1;
          j += 2;
        } else j += 1;
      } while (depth > 0 && j < sql.length);
      text += sql.slice(i, j);
      code += " ";
      i = j;
      continue;
    }
    const dollar = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(rest);
    if (dollar) {
      const tag = dollar[0];
      const end = sql.indexOf(tag, i + tag.length);
      const stop = end === -1 ? sql.length : end + tag.length;
      text += sql.slice(i, stop);
      code += sql.slice(i, stop);
      i = stop;
      continue;
    }
    if (ch === "'" || ch === '"') {
      let j = i + 1;
      while (j < sql.length) {
        if (sql[j] === ch && sql[j + 1] === ch) j += 2;
        else if (sql[j] === ch) break;
        else j += 1;
      }
      text += sql.slice(i, j + 1);
      code += sql.slice(i, j + 1);
      i = j + 1;
      continue;
    }
    if (ch === ";") {
      flush();
      i += 1;
      continue;
    }
    text += ch;
    code += ch;
    i += 1;
  }
  flush();
  return out;
}

/** Scaly owns the transaction and the search path of each request; SQL may not change either. */
const FORBIDDEN = new Set([
  "BEGIN",
  "START",
  "COMMIT",
  "END",
  "ROLLBACK",
  "ABORT",
  "SET",
  "RESET",
  "DISCARD",
]);

export function forbiddenStatement(statements: SqlStatement[]): SqlStatement | undefined {
  return statements.find((s) => FORBIDDEN.has(s.keyword));
}
