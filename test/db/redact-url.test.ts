// Issue 10, finding 8: a PostgreSQL URL never shows its password in a message, an error, a log
// line or CLI output, whatever form the URL takes. No server needed: port 1 refuses at once.
import { describe, expect, it } from 'vitest';
import { openStore } from '../../db/connection.js';
import { redactUrl } from '../../db/postgres.js';
import { describeError } from '../../src/cli/exit.js';
import { migrateCommand } from '../../src/cli/commands/migrate.js';

// Each form with the secret text that must not survive, and what must remain for the message to be useful.
const FORMS: { name: string; url: string; secret: RegExp; keeps: string[] }[] = [
  { name: 'user:password', url: 'postgres://app:s3cretpw@db.internal:5432/holdfast', secret: /s3cretpw/, keeps: ['app', 'db.internal:5432/holdfast'] },
  { name: 'no user, password only', url: 'postgres://:s3cretpw@db.internal/holdfast', secret: /s3cretpw/, keeps: ['db.internal/holdfast'] },
  { name: '@ inside the password', url: 'postgres://app:s3c@ret@db.internal/holdfast', secret: /s3c|ret@/, keeps: ['app', 'db.internal/holdfast'] },
  { name: '%40 inside the password', url: 'postgres://app:s3c%40ret@db.internal/holdfast', secret: /s3c|%40ret/, keeps: ['app', 'db.internal/holdfast'] },
  { name: ': inside the password', url: 'postgres://app:s3c:ret@db.internal/holdfast', secret: /s3c|:ret/, keeps: ['app', 'db.internal/holdfast'] },
  { name: '/ inside the password (new URL cannot parse it)', url: 'postgres://app:s3c/ret@db.internal/holdfast', secret: /s3c|\/ret/, keeps: ['db.internal/holdfast'] },
  { name: '# inside the password (new URL cannot parse it)', url: 'postgres://app:s3c#ret@db.internal/holdfast', secret: /s3c|#ret/, keeps: ['db.internal/holdfast'] },
  { name: '?password= query parameter', url: 'postgres://app@db.internal/holdfast?password=s3cretpw', secret: /s3cretpw/, keeps: ['app@db.internal/holdfast'] },
  { name: '&password= query parameter', url: 'postgresql://db.internal/holdfast?sslmode=require&password=s3cretpw&application_name=hf', secret: /s3cretpw/, keeps: ['sslmode=require', 'application_name=hf'] },
  { name: 'sslpassword= query parameter', url: 'postgres://app@db.internal/holdfast?sslpassword=s3cretpw', secret: /s3cretpw/, keeps: ['db.internal'] },
  { name: 'sslkey= query parameter (a key file path)', url: 'postgres://app@db.internal/holdfast?sslkey=/etc/keys/s3cretpw.key', secret: /s3cretpw/, keeps: ['db.internal'] },
  { name: 'password in the userinfo and the query', url: 'postgres://app:pw-one@db.internal/holdfast?password=pw-two', secret: /pw-one|pw-two/, keeps: ['db.internal'] },
  { name: 'unparseable host', url: 'postgres://app:s3cretpw@[::1/holdfast', secret: /s3cretpw/, keeps: [] },
  { name: 'keyword/value connection string', url: "host=db.internal user=app password='s3cr et' dbname=hf", secret: /s3cr/, keeps: ['host=db.internal'] },
];

describe('redactUrl: every form', () => {
  for (const form of FORMS) {
    it(form.name, () => {
      const out = redactUrl(form.url);
      expect(out).not.toMatch(form.secret);
      for (const kept of form.keeps) expect(out).toContain(kept);
    });
  }

  it('leaves a URL without a password and a SQLite path unchanged', () => {
    expect(redactUrl('postgres://app@db.internal:5432/holdfast')).toBe('postgres://app@db.internal:5432/holdfast');
    expect(redactUrl('./holdfast.db')).toBe('./holdfast.db');
  });
});

describe('a database URL reaches no message with its password', () => {
  // sslkey is left out here: it names a key file, and the driver's error names the file it could not
  // read, which is what an operator needs (the key itself is never in a message).
  const refused = FORMS.filter((f) => f.url.startsWith('postgres') && !f.url.includes('sslkey=')).map((f) => ({
    ...f,
    url: f.url.replace('db.internal:5432', '127.0.0.1:1').replace('db.internal', '127.0.0.1:1'),
  }));

  it('openStore errors, for every form (unreachable and unparseable alike)', async () => {
    for (const form of refused) {
      const error = await openStore(form.url).then(
        () => null,
        (e: unknown) => e as Error & { code?: string },
      );
      expect(error, form.name).not.toBeNull();
      expect(error!.code, form.name).toBe('DATABASE_UNAVAILABLE');
      expect(error!.message, form.name).not.toMatch(form.secret);
      expect(JSON.stringify({ ...error, message: error!.message }), form.name).not.toMatch(form.secret);
    }
  });

  it('holdfast migrate --db <url>: the error the CLI prints', async () => {
    const error = await migrateCommand({ db: 'postgres://:s3cretpw@127.0.0.1:1/holdfast' }).catch((e: unknown) => e);
    expect(describeError(error).message).not.toMatch(/s3cretpw/);
  });

  it('the CLI error line scrubs a URL password from any error, not only ours', () => {
    const message = describeError(new Error('connect failed for postgres://app:s3c@ret@db/hf?password=x2y')).message;
    expect(message).not.toMatch(/s3c|ret@|x2y/);
  });
});
