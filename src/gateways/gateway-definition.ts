// What a gateway is, as data plus pure functions: its name, what it allows, how long its holds last,
// which environment variables configure it, how its credentials become headers, and its wire format.
// createHttpGateway turns a definition into a Gateway; the registry lists the definitions holdfast
// knows. Nothing here does I/O.
import type { AuthorizeParseContext, ParseContext, WireResponse } from './wire.js';
import type {
  AuthorizeOutcome,
  AuthorizeRequest,
  CaptureOutcome,
  CaptureRequest,
  GatewayCapabilities,
  GatewayWindows,
  ReauthorizeOutcome,
  ReauthorizeRequest,
  VoidOutcome,
  VoidRequest,
} from './types.js';

/** What the expiry policy knows of any gateway, HTTP or in-process: its name and documented windows. */
export interface DocumentedGateway {
  readonly name: string;
  /** The longest the gateway's issuers are documented to hold funds; configuration may only shorten them. */
  readonly windows: Readonly<GatewayWindows>;
}

/** The settings an HTTP gateway is created with: strings, one per environment variable it reads. */
export type GatewaySettings = { readonly baseUrl: string } & Readonly<Record<string, string | undefined>>;

/** One environment variable a gateway reads. */
export interface EnvVariable {
  /** The variable's name, prefixed with the gateway's (`KUSHKI_PRIVATE_MERCHANT_ID`). */
  readonly name: string;
  /**
   * How the value is checked: `credential` is 1–512 printable ASCII characters without spaces, `url`
   * an https:// URL (http:// only for loopback), `text` 1–64 characters. Values are trimmed.
   */
  readonly format: 'credential' | 'url' | 'text';
  /** Setting every required variable enables the gateway; setting only some of them is an error. */
  readonly required?: boolean;
  /** The value when the variable is unset (the sandbox URL). */
  readonly default?: string;
  /** A credential: handed to redaction as a secret, never echoed in an error. */
  readonly secret?: boolean;
}

/** A request ready for the wire, with what its redaction must know. */
export interface WireCall {
  method: 'POST' | 'DELETE';
  /** Relative to the base URL. */
  path: string;
  body: Record<string, unknown>;
  /**
   * The gateway references this exchange involves (subscription id, ticket, transaction id, order id):
   * never masked as card numbers in its record. Unset or empty values are skipped.
   */
  references: readonly (string | null | undefined)[];
  /** Card numbers as the caller gave them: masked wherever they appear, even when they fail the Luhn check. */
  cardNumbers?: readonly string[];
}

/** A gateway's wire format: pure request builders and response parsers (the gateway's transformers.ts). */
export interface Transformers<S extends GatewaySettings = GatewaySettings> {
  /** Builds the authorize call, or throws a ValidationError (then nothing is sent). */
  buildAuthorizeCall(req: AuthorizeRequest, settings: S): WireCall;
  buildCaptureCall(req: CaptureRequest, settings: S): WireCall;
  buildVoidCall(req: VoidRequest, settings: S): WireCall;
  parseAuthorizeResponse(res: WireResponse, ctx: AuthorizeParseContext): AuthorizeOutcome;
  parseCaptureResponse(res: WireResponse, ctx: ParseContext): CaptureOutcome;
  parseVoidResponse(res: WireResponse, ctx: ParseContext): VoidOutcome;
  /** Reauthorization, for a gateway whose capabilities say it has one. */
  buildReauthorizeCall?(req: ReauthorizeRequest, settings: S): WireCall;
  parseReauthorizeResponse?(res: WireResponse, ctx: ParseContext): ReauthorizeOutcome;
}

/**
 * What holdfast knows of an HTTP gateway without its wire format: name, windows, capabilities and
 * variables (the gateway's profile.ts). The registry lists profiles, so that commands which never
 * call a gateway do not load the transformers and zod with them.
 */
export interface HttpGatewayProfile<S extends GatewaySettings = GatewaySettings> extends DocumentedGateway {
  readonly capabilities: Readonly<GatewayCapabilities>;
  /** Setting name → the variable it is read from; `baseUrl` is required (give it a default). */
  readonly env: { readonly [K in keyof S & string]-?: EnvVariable };
}

/** The variables that hold secrets (credentials), in profile order. */
export function secretVariables(profiles: readonly HttpGatewayProfile[]): string[] {
  return profiles.flatMap((profile) => Object.values(profile.env).filter((v) => v.secret === true).map((v) => v.name));
}

/** An HTTP gateway as data plus pure functions: its profile, credentials and wire format; createHttpGateway does the wiring. */
export interface HttpGatewayDefinition<S extends GatewaySettings = GatewaySettings> extends HttpGatewayProfile<S> {
  /** The credential headers every call carries (content-type and Idempotency-Key are added by the wiring). */
  auth(settings: S): Record<string, string>;
  readonly transformers: Transformers<S>;
}
