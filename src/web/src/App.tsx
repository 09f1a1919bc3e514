/**
 * The Lockstep console (issue 13 item 5): fleet overview, a GPO page, a file page, files and history, over
 * the HTTP API. Hash routes (`#/gpo/NAME`) so every page is a link (keyboard: Tab/Enter everywhere; the
 * skip link jumps to the content). Readiness JSON is rendered generically where it may grow (extra group
 * fields are shown as key/value rows), so new report fields appear without a console change.
 */
import { useCallback, useEffect, useMemo, useState, type FormEvent, type ReactNode } from 'react';
import { api, ApiError, setCsrf, type Account, type GpoJson, type GroupJson, type Json, type OverviewJson, type Paged } from './api';
import { Chart } from './chart';

const enc = encodeURIComponent;

function useHash(): string {
  const [h, setH] = useState(location.hash || '#/');
  useEffect(() => {
    const on = () => setH(location.hash || '#/');
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return h;
}

function useApi<T>(path: string | undefined, deps: unknown[] = []): { data?: T; error?: string; reload: () => void } {
  const [state, setState] = useState<{ data?: T; error?: string }>({});
  const [n, setN] = useState(0);
  useEffect(() => {
    if (!path) return;
    let live = true;
    setState({});
    api<T>(path).then((data) => live && setState({ data }), (e: Error) => live && setState({ error: e.message }));
    return () => { live = false; };
  }, [path, n, ...deps]);
  return { ...state, reload: useCallback(() => setN((x) => x + 1), []) };
}

/** The file key the API uses (app/views.ts fileKey): base64url of [collection, path, hash, fqbn]. */
export function fileKey(f: { collection?: string; filePath: string; fileHash?: string; fqbnText?: string }): string {
  const bytes = new TextEncoder().encode(JSON.stringify([f.collection ?? '', f.filePath, f.fileHash ?? '', f.fqbnText ?? '']));
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function Verdict({ v, testId }: { v: string; testId?: string }) {
  const cls = v === 'READY' ? 'ok' : v === 'NOT READY' ? 'bad' : 'warn';
  return <span className={`verdict ${cls}`} data-testid={testId} data-verdict={v}>{v}</span>;
}

function Loading({ error, children }: { error?: string; children?: ReactNode }) {
  if (error) return <p role="alert" className="error">{error}</p>;
  return <>{children ?? <p aria-busy="true">loading…</p>}</>;
}

function Login({ onDone }: { onDone: (a: Account) => void }) {
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState('');
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError('');
    try {
      const r = await api<{ account: Account; csrf: string }>('/api/login', { method: 'POST', body: { name, password } });
      setCsrf(r.csrf);
      onDone(r.account);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : 'cannot reach the server');
    }
  };
  return (
    <main id="content" className="login">
      <h1>Lockstep</h1>
      <form onSubmit={submit} aria-label="log in">
        <label>Account <input name="name" autoComplete="username" value={name} onChange={(e) => setName(e.target.value)} required autoFocus /></label>
        <label>Password <input name="password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required /></label>
        <button type="submit">Log in</button>
        {error && <p role="alert" className="error">{error}</p>}
      </form>
    </main>
  );
}

function Overview() {
  const { data, error } = useApi<OverviewJson>('/api/overview');
  const groups = useMemo(() => (data?.gpos ?? []).flatMap((g) => g.groups.map((x) => ({ gpo: g.gpo, ...x }))), [data]);
  const option = useMemo(() => ({
    tooltip: { trigger: 'axis' },
    grid: { left: 40, right: 10, top: 30, bottom: 80 },
    legend: { top: 0 },
    xAxis: { type: 'category', data: groups.map((g) => `${g.gpo.replace(/^AppLocker( - )?/, '')} · ${g.group}`), axisLabel: { interval: 0, fontSize: 11, rotate: 15 } },
    yAxis: { type: 'value', minInterval: 1 },
    series: [
      { name: 'would-be-blocked files', type: 'bar', data: groups.map((g) => Number((g as Json).wouldBlockCount ?? 0)) },
      { name: 'suggested rules', type: 'bar', data: groups.map((g) => Number((g as Json).suggestionsCount ?? 0)) },
    ],
  }), [groups]);
  return (
    <Loading error={error}>
      {data && (
        <>
          <h1>Fleet overview</h1>
          <p>{data.workspace} · evidence {data.window.since.slice(0, 10)} → {data.window.until.slice(0, 10)} · overall <Verdict v={data.verdict} testId="verdict-overall" /></p>
          <Chart option={option} label="would-be-blocked files and suggested rules per business group and GPO" />
          <table>
            <caption>GPOs and business groups</caption>
            <thead><tr><th scope="col">GPO</th><th scope="col">Verdict</th><th scope="col">Group</th><th scope="col">Group verdict</th><th scope="col">Machines reporting</th><th scope="col">Evidence</th><th scope="col">Would block</th></tr></thead>
            <tbody>
              {data.gpos.flatMap((g) => (g.groups.length ? g.groups : [{ group: '—', verdict: '' } as GroupJson]).map((x, i) => (
                <tr key={`${g.gpo}/${x.group}`}>
                  {i === 0 && <th scope="row" rowSpan={Math.max(1, g.groups.length)}><a href={`#/gpo/${enc(g.gpo)}`}>{g.gpo}</a><div className="muted">{g.collections.join(', ')}</div></th>}
                  {i === 0 && <td rowSpan={Math.max(1, g.groups.length)}><Verdict v={g.verdict} testId={`verdict-${g.gpo}`} /></td>}
                  <td>{x.group}</td>
                  <td>{x.verdict && <Verdict v={x.verdict} />}</td>
                  <td>{x.machinesReporting ?? '—'} / {x.machines ?? '—'}</td>
                  <td>{(x.window as { days?: number; events?: number } | undefined)?.days ?? '—'} days, {(x.window as { events?: number } | undefined)?.events ?? 0} events</td>
                  <td>{String(x.wouldBlockCount ?? '—')}</td>
                </tr>
              )))}
            </tbody>
          </table>
        </>
      )}
    </Loading>
  );
}

interface WouldBlock { collection: string; filePath: string; fullFilePath?: string; fileHash?: string; fqbnText?: string; cause: string; events: number; userCount: number; computerCount: number; users: string[]; computers: string[]; userWritable: boolean; byAdministrator: boolean; approvedApp?: string }
interface Suggestion { type: string; collection: string; rule: { name?: string; id?: string; action?: string }; files: number; events: number; filePaths: string[]; reason: string }
interface Daily { day: string; outcome: string; collection?: string; events: number }

function top<T extends string>(items: T[][], n: number): [T, number][] {
  const m = new Map<T, number>();
  for (const l of items) for (const x of l) m.set(x, (m.get(x) ?? 0) + 1);
  return [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, n);
}

const RANK = { viewer: 0, analyst: 1, approver: 2, admin: 3 } as const;
const can = (me: Account, role: keyof typeof RANK): boolean => RANK[me.role] >= RANK[role];

function GroupSection({ gpo, g, me, onAccept }: { gpo: string; g: GroupJson; me: Account; onAccept: (ids: string[], label: string) => void }) {
  const wb = (g.wouldBlock as WouldBlock[] | undefined) ?? [];
  const sug = (g.suggestions as Suggestion[] | undefined) ?? [];
  const daily = (g.daily as Daily[] | undefined) ?? [];
  const days = [...new Set(daily.map((d) => d.day))].sort();
  const outcomes = [...new Set(daily.map((d) => d.outcome))].sort();
  const option = useMemo(() => ({
    tooltip: { trigger: 'axis' }, legend: { top: 0 }, grid: { left: 40, right: 10, top: 30, bottom: 30 },
    xAxis: { type: 'category', data: days }, yAxis: { type: 'value', minInterval: 1 },
    series: outcomes.map((o) => ({ name: o, type: o === 'audited' ? 'bar' : 'line', stack: o === 'audited' ? 'a' : undefined, data: days.map((d) => daily.filter((x) => x.day === d && x.outcome === o).reduce((a, x) => a + x.events, 0)) })),
  }), [daily, days, outcomes]);
  const known = new Set(['group', 'verdict', 'wouldBlock', 'suggestions', 'daily', 'reasons', 'collections', 'gpos', 'quietMachines', 'window', 'machines', 'machinesReporting', 'support']);
  const extra = Object.entries(g).filter(([k]) => !known.has(k));
  const reasons = (g.reasons as { code: string; severity: string; message: string }[] | undefined) ?? [];
  const win = g.window as { days?: number; events?: number; firstSeen?: string; lastSeen?: string } | undefined;
  return (
    <section aria-labelledby={`grp-${g.group}`}>
      <h2 id={`grp-${g.group}`}>{g.group} <Verdict v={g.verdict} testId={`group-verdict-${g.group}`} /></h2>
      <p>Coverage: {g.machinesReporting ?? '—'} of {g.machines ?? '—'} machines reported · {win?.days ?? '—'} days of evidence, {win?.events ?? 0} events{win?.firstSeen ? ` (${win.firstSeen.slice(0, 10)} → ${win.lastSeen?.slice(0, 10)})` : ''}</p>
      {reasons.length > 0 && <ul className="reasons">{reasons.map((r, i) => <li key={i} className={r.severity}>{r.message}</li>)}</ul>}
      {extra.length > 0 && <dl className="extra">{extra.map(([k, v]) => <div key={k}><dt>{k}</dt><dd>{typeof v === 'object' ? JSON.stringify(v) : String(v)}</dd></div>)}</dl>}
      {days.length > 0 && <Chart option={option} label={`${g.group}: events per day by outcome`} height={220} />}
      <div className="cols">
        <div>
          <h3>Top machines</h3>
          <ol>{top(wb.map((f) => f.computers), 5).map(([c, n]) => <li key={c}>{c} <span className="muted">({n} files)</span></li>)}</ol>
        </div>
        <div>
          <h3>Top users</h3>
          <ol>{top(wb.map((f) => f.users), 5).map(([u, n]) => <li key={u}><code>{u}</code> <span className="muted">({n} files)</span></li>)}</ol>
        </div>
      </div>
      <table>
        <caption>Would be blocked under Enforce ({wb.length} files)</caption>
        <thead><tr><th scope="col">File</th><th scope="col">Collection</th><th scope="col">Cause</th><th scope="col">Events</th><th scope="col">Users</th><th scope="col">Machines</th></tr></thead>
        <tbody>{wb.slice(0, 50).map((f) => (
          <tr key={`${f.collection}/${f.filePath}/${f.fileHash}`}>
            <td><a href={`#/file/${fileKey(f)}`}>{f.filePath}</a>{f.userWritable && <span className="tag">user-writable</span>}{f.byAdministrator && <span className="tag">admin</span>}{f.approvedApp && <span className="tag">{f.approvedApp}</span>}</td>
            <td>{f.collection}</td><td>{f.cause}</td><td>{f.events}</td><td>{f.userCount}</td><td>{f.computerCount}</td>
          </tr>
        ))}</tbody>
      </table>
      <table>
        <caption>Suggested rules ({sug.length})</caption>
        <thead><tr><th scope="col">Rule</th><th scope="col">Type</th><th scope="col">Files</th><th scope="col">Events</th><th scope="col">Why</th>{can(me, 'analyst') && <th scope="col">Action</th>}</tr></thead>
        <tbody>{sug.map((s, i) => (
          <tr key={i} data-testid={`suggestion-${gpo}-${g.group}-${i}`}>
            <td>{s.rule?.name ?? s.rule?.id ?? '—'}<div className="muted">{s.filePaths.slice(0, 3).join(', ')}</div></td>
            <td>{s.type} · {s.collection}</td><td>{s.files}</td><td>{s.events}</td><td>{s.reason}</td>
            {can(me, 'analyst') && <td>{s.rule?.id && <button onClick={() => onAccept([s.rule.id!], s.rule.name ?? s.type)} aria-label={`accept rule ${s.rule.name ?? s.rule.id}`}>Accept</button>}</td>}
          </tr>
        ))}</tbody>
      </table>
    </section>
  );
}

/** A confirmation dialog for promote and roll back: says what will happen, asks for a reason. */
function Confirm({ title, text, force, onCancel, onConfirm }: { title: string; text: string; force?: boolean; onCancel: () => void; onConfirm: (o: { reason: string; force: boolean }) => void }) {
  const [reason, setReason] = useState('');
  const [forced, setForced] = useState(false);
  return (
    <div className="backdrop">
      <div role="dialog" aria-modal="true" aria-labelledby="dlg-title" className="dialog" onKeyDown={(e) => { if (e.key === 'Escape') onCancel(); }}>
        <h2 id="dlg-title">{title}</h2>
        <p>{text}</p>
        <label>Reason (recorded in the history) <textarea value={reason} onChange={(e) => setReason(e.target.value)} autoFocus /></label>
        {force && <label><input type="checkbox" checked={forced} onChange={(e) => setForced(e.target.checked)} /> Force even if not ready (needs a reason)</label>}
        <div className="row"><button onClick={onCancel}>Cancel</button><button className="danger" onClick={() => onConfirm({ reason, force: forced })}>Confirm</button></div>
      </div>
    </div>
  );
}

function GpoPage({ name, me }: { name: string; me: Account }) {
  const { data, error, reload } = useApi<GpoJson>(`/api/gpos/${enc(name)}`);
  const [status, setStatus] = useState<{ ok: boolean; text: string } | undefined>();
  const [dialog, setDialog] = useState<'promote' | 'rollback' | undefined>();
  const run = async (what: string, fn: () => Promise<string>) => {
    setStatus(undefined);
    try {
      setStatus({ ok: true, text: await fn() });
      reload();
    } catch (e) {
      const d = e instanceof ApiError ? e.diagnostics.filter((x) => x.severity === 'error').map((x) => x.message).join('; ') || e.message : String(e);
      setStatus({ ok: false, text: `${what}: ${d}` });
    }
  };
  const accept = (ids: string[], label: string) => run('accept', async () => {
    const r = await api<{ accepted: unknown[]; alreadyPresent: string[] }>(`/api/gpos/${enc(name)}/accept`, { method: 'POST', body: { ids } });
    return r.accepted.length ? `accepted ${label} into the policy (prepared by ${me.name})` : `${label} is already in the policy`;
  });
  const promote = (o: { reason: string; force: boolean }) => run('promote', async () => {
    setDialog(undefined);
    const r = await api<{ status: string; collections: string[] }>(`/api/gpos/${enc(name)}/promote`, { method: 'POST', body: { ...(o.reason ? { reason: o.reason } : {}), ...(o.force ? { force: true } : {}) } });
    return r.status === 'promoted' ? `promoted ${r.collections.join(', ')} to Enforce rules` : `nothing to promote (${r.status})`;
  });
  const rollback = (o: { reason: string }) => run('roll back', async () => {
    setDialog(undefined);
    const r = await api<{ restored: { seq: number } }>(`/api/gpos/${enc(name)}/rollback`, { method: 'POST', body: { ...(o.reason ? { reason: o.reason } : {}) } });
    return `rolled back to the policy before history entry ${r.restored.seq}`;
  });
  return (
    <Loading error={error}>
      {data && (
        <>
          <p><a href="#/">← Overview</a></p>
          <h1>{data.gpo} <Verdict v={data.verdict} testId="gpo-verdict" /></h1>
          <p className="muted">{data.guid} · {data.collections.join(', ')}</p>
          {can(me, 'approver') && (
            <div className="row">
              <button onClick={() => setDialog('promote')}>Promote to Enforce…</button>
              <button onClick={() => setDialog('rollback')}>Roll back…</button>
            </div>
          )}
          <div role="status" data-testid="action-status" className={status ? (status.ok ? 'ok-text' : 'error') : ''}>{status?.text}</div>
          {dialog === 'promote' && <Confirm title={`Promote ${data.gpo}?`} text={`Its ${data.collections.join(', ')} rules will be enforced on every machine it applies to. Current verdict: ${data.verdict}.`} force onCancel={() => setDialog(undefined)} onConfirm={promote} />}
          {dialog === 'rollback' && <Confirm title={`Roll back ${data.gpo}?`} text="Its policy file is restored to what it was before its last change." onCancel={() => setDialog(undefined)} onConfirm={rollback} />}
          {data.reasons.length > 0 && <ul className="reasons">{data.reasons.map((r, i) => <li key={i} className={r.severity}>{r.message}</li>)}</ul>}
          {data.groups.map((g) => <GroupSection key={g.group} gpo={data.gpo} g={g} me={me} onAccept={accept} />)}
        </>
      )}
    </Loading>
  );
}

function FilePage({ fkey }: { fkey: string }) {
  const { data, error } = useApi<Json & { filePath: string; collection: string; fileHash: string; fqbnText: string; evidence: (WouldBlock & { outcome: string; firstSeen: string; lastSeen: string })[]; blockedIn: (Json & { gpo: string; group: string; cause: string; events: number; fix: Suggestion[] })[] }>(`/api/files/${fkey}`);
  return (
    <Loading error={error}>
      {data && (
        <>
          <p><a href="#/files">← Files</a></p>
          <h1 className="path">{data.filePath}</h1>
          <dl className="extra"><div><dt>Collection</dt><dd>{data.collection}</dd></div><div><dt>Publisher</dt><dd>{data.fqbnText || '— (unsigned)'}</dd></div><div><dt>Hash</dt><dd><code>{data.fileHash || '—'}</code></dd></div></dl>
          <table>
            <caption>Evidence</caption>
            <thead><tr><th scope="col">Outcome</th><th scope="col">Events</th><th scope="col">Machines</th><th scope="col">Users</th><th scope="col">First</th><th scope="col">Last</th></tr></thead>
            <tbody>{data.evidence.map((e) => <tr key={e.outcome}><td>{e.outcome}</td><td>{e.events}</td><td>{e.computers.join(', ')}</td><td>{e.users.join(', ')}</td><td>{e.firstSeen.slice(0, 10)}</td><td>{e.lastSeen.slice(0, 10)}</td></tr>)}</tbody>
          </table>
          <h2>Where Enforce would block it</h2>
          {data.blockedIn.length === 0 ? <p>Nowhere: no GPO would block this file.</p> : (
            <ul>{data.blockedIn.map((b, i) => (
              <li key={i}><a href={`#/gpo/${enc(b.gpo)}`}>{b.gpo}</a> · {b.group}: {b.cause}, {b.events} events.
                {b.fix.length ? <> Fixed by: {b.fix.map((s, j) => <strong key={j}>{s.rule?.name ?? s.type} ({s.type})</strong>)}</> : ' No suggested rule.'}</li>
            ))}</ul>
          )}
        </>
      )}
    </Loading>
  );
}

function Pager({ page, setOffset }: { page: Paged<unknown>; setOffset: (n: number) => void }) {
  return (
    <nav aria-label="pages" className="pager">
      <button disabled={page.offset === 0} onClick={() => setOffset(Math.max(0, page.offset - page.limit))}>Previous</button>
      <span>{page.total ? `${page.offset + 1}–${Math.min(page.total, page.offset + page.limit)} of ${page.total}` : 'none'}</span>
      <button disabled={page.offset + page.limit >= page.total} onClick={() => setOffset(page.offset + page.limit)}>Next</button>
    </nav>
  );
}

function FilesPage() {
  const [q, setQ] = useState('');
  const [offset, setOffset] = useState(0);
  const { data, error } = useApi<Paged<WouldBlock & { key: string; outcome: string }>>(`/api/files?limit=50&offset=${offset}${q ? `&q=${enc(q)}` : ''}`);
  return (
    <>
      <h1>Files</h1>
      <label>Search path <input type="search" value={q} onChange={(e) => { setQ(e.target.value); setOffset(0); }} /></label>
      <Loading error={error}>
        {data && (
          <>
            <table>
              <caption>Files in the evidence, most events first</caption>
              <thead><tr><th scope="col">File</th><th scope="col">Outcome</th><th scope="col">Events</th><th scope="col">Users</th><th scope="col">Machines</th></tr></thead>
              <tbody>{data.items.map((f) => <tr key={`${f.key}/${f.outcome}`}><td><a href={`#/file/${f.key}`}>{f.filePath}</a></td><td>{f.outcome}</td><td>{f.events}</td><td>{f.userCount}</td><td>{f.computerCount}</td></tr>)}</tbody>
            </table>
            <Pager page={data} setOffset={setOffset} />
          </>
        )}
      </Loading>
    </>
  );
}

function Promotions() {
  const { data, error } = useApi<Paged<{ seq: number; action: string; actor: string; time: string; gpo: string; collections: string[]; reason?: string; forced?: boolean }>>('/api/promotions?limit=500');
  return (
    <Loading error={error}>
      {data && (
        <table>
          <caption>Policy changes (hash-chained)</caption>
          <thead><tr><th scope="col">#</th><th scope="col">When</th><th scope="col">Who</th><th scope="col">What</th><th scope="col">GPO</th><th scope="col">Reason</th></tr></thead>
          <tbody>{[...data.items].reverse().map((e) => <tr key={e.seq}><td>{e.seq}</td><td>{e.time?.replace('T', ' ').slice(0, 19)}</td><td>{e.actor}</td><td>{e.action}{e.forced ? ' (forced)' : ''}</td><td>{e.gpo}</td><td>{e.reason ?? ''}</td></tr>)}</tbody>
        </table>
      )}
    </Loading>
  );
}

function HistoryPage() {
  const [offset, setOffset] = useState(0);
  const { data, error } = useApi<Paged<{ at: string; actor: string; action: string; target: string; detail: string }>>(`/api/history?limit=50&offset=${offset}`);
  return (
    <>
      <h1>History</h1>
      <Promotions />
      <Loading error={error}>
        {data && (
          <>
            <table>
              <caption>Every write, newest first</caption>
              <thead><tr><th scope="col">When</th><th scope="col">Who</th><th scope="col">What</th><th scope="col">On</th><th scope="col">Detail</th></tr></thead>
              <tbody>{data.items.map((h, i) => <tr key={i}><td>{h.at.replace('T', ' ').slice(0, 19)}</td><td>{h.actor}</td><td>{h.action}</td><td>{h.target}</td><td>{h.detail}</td></tr>)}</tbody>
            </table>
            <Pager page={data} setOffset={setOffset} />
          </>
        )}
      </Loading>
    </>
  );
}

function useTheme(): [string, () => void] {
  const [t, setT] = useState(() => localStorage.getItem('lockstep-theme') ?? '');
  useEffect(() => {
    if (t) document.documentElement.dataset.theme = t;
    else delete document.documentElement.dataset.theme;
  }, [t]);
  const dark = t === 'dark' || (!t && matchMedia('(prefers-color-scheme: dark)').matches);
  return [dark ? 'dark' : 'light', () => {
    const n = dark ? 'light' : 'dark';
    localStorage.setItem('lockstep-theme', n);
    setT(n);
  }];
}

export function App() {
  const [me, setMe] = useState<Account | null | undefined>(undefined);
  const hash = useHash();
  const [theme, toggle] = useTheme();
  useEffect(() => {
    api<{ account: Account; csrf?: string }>('/api/me').then((r) => { if (r.csrf) setCsrf(r.csrf); setMe(r.account); }, () => setMe(null));
  }, []);
  if (me === undefined) return <p aria-busy="true">loading…</p>;
  if (me === null) return <Login onDone={setMe} />;
  const logout = async () => {
    await api('/api/logout', { method: 'POST', body: {} }).catch(() => undefined);
    setMe(null);
  };
  const [, page, arg] = /^#\/(\w*)\/?(.*)$/.exec(hash) ?? [];
  let content: ReactNode;
  if (page === 'gpo' && arg) content = <GpoPage name={decodeURIComponent(arg)} me={me} />;
  else if (page === 'file' && arg) content = <FilePage fkey={arg} />;
  else if (page === 'files') content = <FilesPage />;
  else if (page === 'history') content = <HistoryPage />;
  else content = <Overview />;
  return (
    <>
      <a className="skip" href="#content" onClick={(e) => { e.preventDefault(); document.getElementById('content')?.focus(); }}>Skip to content</a>
      <header>
        <strong>Lockstep</strong>
        <nav aria-label="main">
          <a href="#/" aria-current={!page ? 'page' : undefined}>Overview</a>
          <a href="#/files" aria-current={page === 'files' ? 'page' : undefined}>Files</a>
          <a href="#/history" aria-current={page === 'history' ? 'page' : undefined}>History</a>
        </nav>
        <span className="me" data-testid="me">{me.name} · {me.role}</span>
        <button onClick={toggle} aria-label={`switch to ${theme === 'dark' ? 'light' : 'dark'} theme`}>{theme === 'dark' ? '☀' : '☾'}</button>
        <button onClick={logout}>Log out</button>
      </header>
      <main id="content" tabIndex={-1}>{content}</main>
    </>
  );
}
