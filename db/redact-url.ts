// Passwords out of connection URLs (PostgreSQL's above all) before a URL reaches a message, an error,
// a log line or CLI output. `new URL` is no help here: a password holding `/` or `#` makes it throw or,
// worse, parse the password as a host and port. So the rule is textual and errs on the side of
// hiding too much: everything between `//` and the LAST `@` is userinfo (a password may contain `@`),
// and every password-like parameter value goes, in a query string or a keyword/value string alike.

const MASK = '***';

const SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;
// libpq/pg parameters that carry a secret or point at one (sslkey is the client key's path).
const SECRET_PARAM =
  /(^|[?&;\s])((?:ssl)?password|passwd|pwd|sslkey|sslpassphrase|[a-z_]*(?:secret|token)[a-z_]*)(\s*=\s*)('(?:[^'\\]|\\.)*'?|[^&\s]*)/gi;
// A URL inside free text: a scheme, then everything up to the next whitespace.
const URL_IN_TEXT = /[a-z][a-z0-9+.-]*:\/\/\S+/gi;

function maskSecretParams(text: string): string {
  return text.replace(SECRET_PARAM, (_m, lead: string, key: string, eq: string) => `${lead}${key}${eq.trim()}${MASK}`);
}

function maskUserinfo(url: string): string {
  const scheme = SCHEME.exec(url);
  if (!scheme) return url;
  const rest = url.slice(scheme[0].length);
  const at = rest.lastIndexOf('@');
  if (at < 0) return url;
  const userinfo = rest.slice(0, at);
  const colon = userinfo.indexOf(':');
  // No `:` before the `@`: a user name at most (or an `@` further on, as in a file path), no password.
  if (colon < 0) return url;
  const user = userinfo.slice(0, colon);
  // A `/`, `?` or `#` before the `:` means the `@` may not be in the authority at all: hide it all.
  return `${scheme[0]}${/[/?#]/.test(user) ? MASK : user}:${MASK}@${rest.slice(at + 1)}`;
}

/** A connection URL (or keyword/value string) with every password removed, for messages and logs. */
export function redactUrl(url: string): string {
  return maskSecretParams(maskUserinfo(url));
}

/** Free text with the password removed from every URL in it and from every `password=` value. */
export function redactUrlsInText(text: string): string {
  return maskSecretParams(text.replace(URL_IN_TEXT, (url) => maskUserinfo(url)));
}
