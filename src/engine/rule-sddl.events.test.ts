/**
 * Real AppLocker events (corpus via test-support/corpus.ts engineEvents): for each, the decision and
 * RuleSddl its own fields imply must agree with what the engine computes from a policy containing the
 * event's rule (applocker.md §9.3, §3.8). The rule comes from AppLocker's default rules when the
 * RuleId is a well-known default GUID (§7) — an independent source for the SDDL check — otherwise it
 * is read back from the event's RuleSddl (then the check is a round trip). Implicit-deny events
 * (null RuleId) are decided against that collection's default rules in the mode the event id implies.
 */
import { describe, expect, it } from 'vitest';
import { corpusSkipReason, engineEvents, hasCorpus, readCorpus } from '../../test-support/corpus.js';
import { defaultRules } from '../policy/defaults.js';
import { parseFqbn } from '../policy/fqbn.js';
import type { AppLockerPolicy, EnforcementMode, Rule, RuleCollectionType } from '../policy/model.js';
import { compilePolicy } from './compile/pipeline.js';
import { decide } from './decide.js';
import type { EngineFileInformation } from './file-facts.js';
import { EXAMPLE_USER_SID, standardUser } from './principal.js';
import { evaluateReference } from './reference.js';
import { parseRuleSddl, ruleSddl } from './rule-sddl.js';

type Fields = Record<string, string>;

/** RuleAndFileData fields of an XML event (regex: one sample is not well-formed XML). */
function xmlFields(text: string): Fields {
  const out: Fields = { EventID: /<EventID>(\d+)<\/EventID>/.exec(text)![1]! };
  const body = /<RuleAndFileData[^>]*>([\s\S]*)<\/RuleAndFileData>/.exec(text)![1]!;
  for (const m of body.matchAll(/<(\w+)>([^<]*)<\/\1>/g)) out[m[1]!] = m[2]!;
  return out;
}

function jsonFields(text: string): Fields {
  const e = (JSON.parse(text) as { events: Array<{ winlog: { event_id: string; user_data: Record<string, unknown> } }> }).events[0]!;
  const out: Fields = { EventID: String(e.winlog.event_id) };
  for (const [k, v] of Object.entries(e.winlog.user_data)) out[k] = String(v);
  return out;
}

const POLICY_NAME: Record<string, RuleCollectionType> = { EXE: 'Exe', DLL: 'Dll', MSI: 'Msi', SCRIPT: 'Script', APPX: 'Appx' };
const NULL_GUID = /^\{?0{8}-0{4}-0{4}-0{4}-0{12}\}?$/;

function modeFor(eventId: number): EnforcementMode {
  return [8003, 8006, 8021, 8024].includes(eventId) ? 'AuditOnly' : 'Enabled';
}

interface Derived { file: EngineFileInformation; rule?: Rule; policy: AppLockerPolicy; ruleFromDefaults: boolean; sid?: string }

function derive(f: Fields): Derived {
  const eventId = Number(f.EventID);
  const type = POLICY_NAME[f.PolicyName!]!;
  const publisher = parseFqbn(f.Fqbn);
  const hash = f.FileHash?.replace(/-/g, '');
  const appx = type === 'Appx';
  const file: EngineFileInformation = {
    path: appx ? f.Package! : (f.FullFilePath ?? f.FilePath!),
    ...(publisher ? { publisher } : {}),
    hashes: hash ? { SHA256: hash } : {},
    collection: type,
    ...(appx ? { isPackagedApp: true, packagedAppActivity: eventId >= 8023 ? 'Deployment' as const : 'Execution' as const } : {}),
  };
  const id = f.RuleId!.replace(/[{}]/g, '').toLowerCase();
  const mode = modeFor(eventId);
  if (NULL_GUID.test(f.RuleId!)) {
    return { file, policy: { version: '1', ruleCollections: [{ type, enforcementMode: mode, rules: defaultRules(type) }] }, ruleFromDefaults: true };
  }
  const known = defaultRules(type).find((r) => r.id === id);
  let rule: Rule;
  if (known) rule = known;
  else {
    const parsed = parseRuleSddl(f.RuleSddl!)!;
    const base = { id, name: f.RuleName!, description: '', userOrGroupSid: parsed.sid, action: parsed.action };
    const c = parsed.condition;
    rule = c.kind === 'FilePathCondition' ? { ...base, kind: 'FilePathRule', condition: c, exceptions: [] }
      : c.kind === 'FilePublisherCondition' ? { ...base, kind: 'FilePublisherRule', condition: c, exceptions: [] }
        : { ...base, kind: 'FileHashRule', condition: c };
  }
  return { file, rule, sid: rule.userOrGroupSid, policy: { version: '1', ruleCollections: [{ type, enforcementMode: mode, rules: [rule] }] }, ruleFromDefaults: !!known };
}

const samples = Object.entries(engineEvents);

describe.skipIf(!hasCorpus)('real AppLocker events agree with the engine', () => {
  it.each(samples)('%s', (_name, rel) => {
    const text = readCorpus(rel).toString('utf8');
    const f = rel.endsWith('.json') ? jsonFields(text) : xmlFields(text);
    const eventId = Number(f.EventID);
    const d = derive(f);
    const sid = /^S-1-/.test(f.TargetUser ?? '') ? f.TargetUser! : EXAMPLE_USER_SID;
    // The event proves the user held the rule's SID (e.g. Administrators for ed97d0cb).
    const principal = standardUser(sid, d.sid ? [d.sid] : []);
    const fast = decide(compilePolicy(d.policy), d.file, principal);
    expect(fast).toEqual(evaluateReference(d.policy, d.file, principal));
    expect(fast.eventId).toBe(eventId);
    if (d.rule) {
      expect(fast.verdict).toBe(d.rule.action === 'Deny' ? 'Denied' : 'Allowed');
      expect(fast.rule?.id.toLowerCase()).toBe(d.rule.id.toLowerCase());
      expect(ruleSddl(d.rule)).toBe(f.RuleSddl);
      expect(d.rule.name).toBe(f.RuleName);
    } else {
      expect(fast.verdict).toBe('DeniedByDefault');
      expect(f.RuleSddl).toBe('-');
      expect(f.RuleName).toBe('-');
    }
  });

  it('checks the SDDL of default rules against Windows output, not only round trips', () => {
    const fromDefaults = samples.filter(([, rel]) => {
      const text = readCorpus(rel).toString('utf8');
      const f = rel.endsWith('.json') ? jsonFields(text) : xmlFields(text);
      return !NULL_GUID.test(f.RuleId!) && derive(f).ruleFromDefaults;
    });
    expect(fromDefaults.map(([n]) => n).sort()).toEqual(['elasticAppx8020', 'elasticAppx8023', 'ericScript8005']);
  });
});

describe.skipIf(hasCorpus)('real AppLocker events', () => {
  it.skip(corpusSkipReason, () => undefined);
});
