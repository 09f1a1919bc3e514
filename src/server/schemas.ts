/**
 * The API's zod schemas (issue 13 item 2): request query/body validation at the boundary and the response
 * shapes, and — through `z.toJSONSchema` — the OpenAPI 3.1 document (openapi.ts). One definition each.
 */
import { z } from 'zod';
import { ROLES, SCOPES } from '../app/index.js';

export const DiagnosticSchema = z.object({
  code: z.string().describe('dotted, stable: `server.auth.no-session`'),
  severity: z.enum(['error', 'warning', 'info']),
  message: z.string(),
  location: z.unknown().optional(),
  help: z.string().optional(),
  notes: z.array(z.unknown()).optional(),
}).meta({ id: 'Diagnostic' });

/** Every error: the diagnostics JSON shape the CLI's `--json` prints. */
export const ErrorSchema = z.object({ diagnostics: z.array(DiagnosticSchema) }).meta({ id: 'Error' });

export const PageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50).describe('page size, at most 500'),
  offset: z.coerce.number().int().min(0).max(10_000_000).default(0),
});
export const SinceQuery = z.object({ since: z.string().max(40).optional().describe('evidence window: `30d` or a past date (default 30d)') });

export function paged<T extends z.ZodType>(item: T, name: string) {
  return z.object({ total: z.number().int(), limit: z.number().int(), offset: z.number().int(), items: z.array(item) }).meta({ id: name });
}

export const RoleSchema = z.enum(ROLES);
export const ScopeSchema = z.enum(SCOPES);

export const AccountSchema = z.object({ id: z.number().int(), name: z.string(), role: RoleSchema, createdAt: z.string(), disabled: z.boolean() }).meta({ id: 'Account' });
export const TokenSchema = z.object({
  id: z.string(), name: z.string(), account: z.string(), scopes: z.array(ScopeSchema), createdAt: z.string(),
  revokedAt: z.string().optional(), lastUsedAt: z.string().optional(),
}).meta({ id: 'Token' });

export const LoginBody = z.object({ name: z.string().min(1).max(64), password: z.string().min(1).max(1024) }).strict();
export const MeSchema = z.object({ account: AccountSchema, csrf: z.string().optional().describe('send it back as `X-CSRF-Token` on every write made with this session') }).meta({ id: 'Me' });

export const AccountAddBody = z.object({ name: z.string().min(1).max(64), role: RoleSchema, password: z.string().min(12).max(1024) }).strict();
export const AccountPatchBody = z.object({ role: RoleSchema.optional(), disabled: z.boolean().optional(), password: z.string().min(12).max(1024).optional() }).strict();
export const TokenCreateBody = z.object({ name: z.string().min(1).max(100), account: z.string().min(1).max(64).optional().describe('default: the caller'), scopes: z.array(ScopeSchema).min(1) }).strict();
export const TokenCreated = z.object({ token: z.string().describe('shown once: store it now'), view: TokenSchema }).meta({ id: 'TokenCreated' });

/** Readiness JSON and the views built on it: open objects, so fields added later pass through. */
export const ReadinessSchema = z.looseObject({ workspace: z.string(), verdict: z.string(), generatedAt: z.string(), gpos: z.array(z.looseObject({ gpo: z.string(), verdict: z.string() })) }).meta({ id: 'Readiness', description: 'the `report readiness --json` document' });
export const GpoViewSchema = z.looseObject({ gpo: z.string(), guid: z.string(), verdict: z.string(), groups: z.array(z.looseObject({ group: z.string(), verdict: z.string() })) }).meta({ id: 'GpoView' });
export const FileSchema = z.looseObject({ key: z.string(), filePath: z.string(), outcome: z.string(), events: z.number(), userCount: z.number(), computerCount: z.number() }).meta({ id: 'File' });
export const FileDetailSchema = z.looseObject({ key: z.string(), filePath: z.string(), evidence: z.array(z.unknown()), blockedIn: z.array(z.unknown()) }).meta({ id: 'FileDetail' });
export const MachineSchema = z.looseObject({ name: z.string(), groups: z.array(z.string()), reporting: z.boolean() }).meta({ id: 'Machine' });
export const UserSchema = z.object({ sid: z.string(), files: z.number(), audited: z.number(), blocked: z.number() }).meta({ id: 'EvidenceUser' });
export const DailySchema = z.looseObject({ day: z.string(), outcome: z.string(), events: z.number() }).meta({ id: 'DailyCount' });
export const SuggestionSchema = z.looseObject({ gpo: z.string(), group: z.string(), type: z.string(), collection: z.string(), files: z.number(), events: z.number() }).meta({ id: 'Suggestion' });
export const HistorySchema = z.object({ at: z.string(), actor: z.string(), action: z.string(), target: z.string(), detail: z.string() }).meta({ id: 'HistoryEntry' });

export const IntakeResultSchema = z.object({
  stored: z.number().int(), duplicate: z.number().int(), ignored: z.number().int().describe('records that are not AppLocker events'),
  rejected: z.number().int(), reasons: z.array(DiagnosticSchema).describe('why records were rejected (at most 100)'),
}).meta({ id: 'IntakeResult' });

export const BulkResponseSchema = z.object({
  took: z.number().int(), errors: z.boolean(),
  items: z.array(z.record(z.string(), z.looseObject({ status: z.number().int() }))),
}).meta({ id: 'BulkResponse', description: 'Elasticsearch `_bulk` response: one item per action, in request order' });

export const Empty = z.object({}).strict();
export const Anything = z.looseObject({});

export const AcceptBody = z.object({ ids: z.array(z.string().max(100)).max(1000).optional().describe('suggested rule ids (from the GPO view)'), all: z.boolean().optional(), dryRun: z.boolean().optional(), since: z.string().max(40).optional() }).strict();
export const AcceptSchema = z.looseObject({ gpo: z.string(), written: z.boolean(), accepted: z.array(z.looseObject({ id: z.string().optional(), type: z.string() })), alreadyPresent: z.array(z.string()), diffText: z.string() }).meta({ id: 'AcceptResult' });
export const PromoteBody = z.object({
  collections: z.array(z.string().max(20)).max(5).optional(), ring: z.string().max(100).optional(), force: z.boolean().optional(), reason: z.string().max(2000).optional(),
  requestedBy: z.string().max(64).optional().describe('the account that asked for this promotion: it cannot approve it'), since: z.string().max(40).optional(),
}).strict();
export const PromoteSchema = z.looseObject({ gpo: z.string(), status: z.enum(['promoted', 'not-ready', 'unchanged']), collections: z.array(z.string()), verdict: z.string() }).meta({ id: 'PromoteResult' });
export const RollbackBody = z.object({ to: z.number().int().min(1).optional(), reason: z.string().max(2000).optional() }).strict();
export const RollbackSchema = z.looseObject({ gpo: z.string(), policyFile: z.string(), restored: z.looseObject({ seq: z.number() }), entry: z.looseObject({ seq: z.number() }) }).meta({ id: 'RollbackResult' });
export const ExportListSchema = z.object({ gpo: z.string(), policySha256: z.string(), artifacts: z.array(z.object({ name: z.string(), bytes: z.number(), sha256: z.string() })) }).meta({ id: 'ExportList' });
