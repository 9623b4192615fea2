import { formatBytes, formatDuration, formatNumber, formatPercent, formatUtc } from '../src/charts/index.js';
import type { IngestProgressState, WatchProgressState } from '../src/ingest/index.js';
import type { JobsData } from '../src/serve/loaders/jobs.js';
import { Empty, Panel, Stat } from './components.js';
import { Layout } from './layout.js';
import { PageStyles } from './page-styles.js';

/** The Jobs page: the ingests running now (live), every source of the manifest, the latest batches. */
export function JobsPage(props: { data: JobsData; dataDir: string; now: number }) {
  const { data } = props;
  const lines = data.sources.reduce((n, s) => n + s.lines, 0);
  const unparsed = data.sources.reduce((n, s) => n + s.unparsed, 0);
  const last = data.sources.map((s) => s.lastIngested).filter((t): t is string => t !== null).sort().at(-1);
  return (
    <Layout title="Jobs" subtitle="Ingests running from the CLI, updated every second, and what every source has given the store" active="/jobs" dataDir={props.dataDir}>
      <PageStyles />
      <div class="grid cols-4 stats">
        <Stat label="Sources" value={formatNumber(data.sources.length)} detail="files and stdin in the manifest" />
        <Stat label="Lines read" value={formatNumber(lines)} detail="parsed + unparsed + blank" />
        <Stat label="Unparsed" value={lines === 0 ? '0' : formatPercent(unparsed / lines)} detail={`${formatNumber(unparsed)} lines kept raw`} bad={unparsed > 0 && unparsed / Math.max(lines, 1) > 0.05} />
        <Stat label="Last ingest" value={last === undefined ? '–' : formatDuration(props.now - Date.parse(last)) + ' ago'} detail={last === undefined ? 'nothing ingested yet' : formatUtc(Date.parse(last))} />
      </div>
      <RunningIngests running={data.running} watching={data.watching} now={props.now} />
      {data.cluster !== undefined ? <ClusterPanel cluster={data.cluster} /> : null}
      <div style="height:16px"></div>
      <Panel title="Sources" hint="every source of the manifest, most recently ingested first" flush>
        {data.sources.length === 0 ? (
          <Empty title="No sources yet">
            <p>
              Ingest some logs: <code>{`logscope ingest /var/log/app.log --data ${props.dataDir}`}</code>
            </p>
          </Empty>
        ) : (
          <table>
            <thead>
              <tr>
                <th>Source</th>
                <th>Format</th>
                <th class="num">Lines</th>
                <th class="num">Parsed</th>
                <th class="num">Unparsed</th>
                <th class="num">Blank</th>
                <th class="num">Size</th>
                <th>Last ingest (UTC)</th>
              </tr>
            </thead>
            <tbody>
              {data.sources.map((s) => (
                <tr>
                  <td class="text">
                    <span class="clip" title={s.source}>
                      {s.source}
                    </span>
                    {s.formatFlag !== null && (
                      <span class="clip muted small" title={s.formatFlag}>
                        read with {s.formatFlag}
                      </span>
                    )}
                  </td>
                  <td>{s.format}</td>
                  <td class="num">{formatNumber(s.lines)}</td>
                  <td class="num">{formatNumber(s.parsed)}</td>
                  <td class="num">{s.unparsed > 0 ? <a href={`/sql?sql=${encodeURIComponent(`SELECT line, reason, raw FROM unparsed WHERE source = '${s.source.replace(/'/g, "''")}' ORDER BY line LIMIT 100`)}`}>{formatNumber(s.unparsed)}</a> : '0'}</td>
                  <td class="num">{formatNumber(s.blank)}</td>
                  <td class="num">{s.bytes === null ? <span class="muted">.gz, partly read</span> : formatBytes(s.bytes)}</td>
                  <td class="time">{s.lastIngested === null ? '–' : formatUtc(Date.parse(s.lastIngested), false)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Panel>
      <div style="height:16px"></div>
      <AlertDeliveries alerts={data.alerts} />
      <div style="height:16px"></div>
      <Panel title="Latest batches" hint="throughput between consecutive commits of one run; the first batch of a run has none" flush>
        {data.batches.length === 0 ? (
          <Empty title="No batches committed yet" />
        ) : (
          <table>
            <thead>
              <tr>
                <th>Committed (UTC)</th>
                <th class="num">Lines</th>
                <th class="num">Input</th>
                <th class="num">Seconds</th>
                <th class="num">Lines/s</th>
                <th class="num">MB/s</th>
              </tr>
            </thead>
            <tbody>
              {data.batches.map((b) => (
                <tr>
                  <td class="time" title={b.id}>
                    {formatUtc(Date.parse(b.committedAt), false)}
                  </td>
                  <td class="num">{formatNumber(b.lines)}</td>
                  <td class="num">{formatBytes(b.bytes)}</td>
                  <td class="num">{b.seconds === null ? '–' : b.seconds.toFixed(1)}</td>
                  <td class="num">{b.linesPerSecond === null ? '–' : formatNumber(Math.round(b.linesPerSecond))}</td>
                  <td class="num">{b.bytesPerSecond === null ? '–' : (b.bytesPerSecond / 1e6).toFixed(1)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Panel>
    </Layout>
  );
}

/** The latest alert firings and their emails: what is still waiting or failing stands out. */
export function AlertDeliveries(props: { alerts: JobsData['alerts'] }) {
  const unsent = props.alerts.filter((a) => a.status !== 'sent').length;
  return (
    <Panel title="Alert emails" hint={props.alerts.length === 0 ? 'logscope alerts run / daemon' : `latest ${props.alerts.length} firings · ${unsent} not sent yet · all of them: alert_history in the SQL console`} flush>
      {props.alerts.length === 0 ? (
        <Empty title="No alert has fired yet">
          <p>
            Alert rules live in the config file (<code>alerts.rules</code>); <code>logscope alerts daemon</code> runs them on their schedules.
          </p>
        </Empty>
      ) : (
        <table>
          <thead>
            <tr>
              <th>Fired (UTC)</th>
              <th>Rule</th>
              <th>Severity</th>
              <th>Series</th>
              <th>What</th>
              <th>Status</th>
              <th class="num">Attempts</th>
              <th>Sent / next try (UTC)</th>
            </tr>
          </thead>
          <tbody>
            {props.alerts.map((a) => (
              <tr>
                <td class="time">{formatUtc(Date.parse(a.firedAt), false)}</td>
                <td>{a.rule}</td>
                <td>
                  <span class={`badge ${a.severity === 'critical' ? 'critical' : a.severity === 'warning' ? 'warning' : 'info'}`}>{a.severity}</span>
                </td>
                <td class="text">{a.series === '' ? <span class="muted">all lines</span> : a.series}</td>
                <td class="text">
                  <span class="clip" title={a.title}>
                    {a.title}
                  </span>
                </td>
                <td title={a.lastError ?? ''}>
                  <span class={`badge ${a.status === 'sent' ? 'ok' : a.status === 'failed' ? 'critical' : 'warning'}`}>{a.status}</span>
                  {a.status === 'failed' && a.lastError !== null ? <div class="muted small">{a.lastError}</div> : null}
                </td>
                <td class="num">{formatNumber(a.attempts)}</td>
                <td class="time">{a.status === 'sent' ? (a.sentAt === null ? '–' : formatUtc(Date.parse(a.sentAt), false)) : a.nextAttemptAt === null ? '–' : formatUtc(Date.parse(a.nextAttemptAt), false)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Panel>
  );
}

/**
 * The running ingests and watchers, from their progress files. Polled by htmx every second: this
 * fragment replaces itself (`GET /jobs/progress`).
 */
export function RunningIngests(props: { running: IngestProgressState[]; watching: WatchProgressState[]; now: number }) {
  return (
    <section class="panel" id="running" hx-get="/jobs/progress" hx-trigger="every 1s" hx-swap="outerHTML">
      <header>
        <h2>Running ingests and watchers</h2>
        <span class="hint">live from the CLI · updated every second</span>
      </header>
      <div class="body">
        {props.running.length === 0 && props.watching.length === 0 ? (
          <Empty title="No ingest is running, and no watcher">
            <p>
              A <code>logscope ingest</code> or <code>logscope watch</code> into this data directory shows here while it runs: bytes, lines/s, lag behind each followed file and what each worker parses.
            </p>
          </Empty>
        ) : (
          <>
            {props.watching.map((w) => (
              <WatchProgressView run={w} now={props.now} />
            ))}
            {props.running.map((r) => (
              <IngestProgressView run={r} now={props.now} />
            ))}
          </>
        )}
      </div>
    </section>
  );
}

/** One watcher: its rate, its last batch, and how far behind each followed file the store is. */
export function WatchProgressView(props: { run: WatchProgressState; now: number; compact?: boolean }) {
  const r = props.run;
  const maxLag = Math.max(0, ...r.files.map((f) => f.lag_seconds));
  const behind = maxLag * 1000 >= 2 * r.interval_ms;
  return (
    <div class="ingest watcher" data-pid={String(r.pid)} data-lines={String(r.lines)}>
      <div class="runstate">
        <div class="line">
          <span>
            <span class={`badge ${r.state}`}>{r.state === 'running' ? 'watching' : 'stopped'}</span> pid {String(r.pid)} · <span class="mono">{r.inputs.join(' ')}</span>
          </span>
          <span class="muted">
            every {formatDuration(r.interval_ms)} · started {formatUtc(Date.parse(r.started_at))} · updated {formatDuration(Math.max(0, props.now - Date.parse(r.updated_at)))} ago
          </span>
        </div>
        {r.state === 'stopped' ? <div class="note">This watcher stopped without saying so (its process is gone): what it committed is in the store; start it again and it resumes where its last batch ended.</div> : null}
      </div>
      <div class="kv">
        <div>
          <div class="label">Lines/s</div>
          <div class="value" id="watch-rate">
            {formatNumber(r.lines_per_second)}
          </div>
        </div>
        <div>
          <div class="label">Lines stored</div>
          <div class="value" id="watch-lines">
            {formatNumber(r.lines)}
          </div>
        </div>
        <div>
          <div class="label">Files followed</div>
          <div class="value">{formatNumber(r.files.length)}</div>
        </div>
        <div>
          <div class="label">Lag</div>
          <div class={behind ? 'value bad' : 'value'} title="the longest any followed file has had bytes not yet stored">
            {maxLag === 0 ? 'none' : `${maxLag.toFixed(1)} s`}
          </div>
        </div>
        <div>
          <div class="label">Last batch</div>
          <div class="value">
            {r.last_batch === null ? (
              '–'
            ) : (
              <>
                {formatNumber(r.last_batch.lines)} lines <span class="muted small">{formatDuration(Math.max(0, props.now - Date.parse(r.last_batch.committed_at)))} ago, in {formatDuration(r.last_batch.elapsed_ms)}</span>
              </>
            )}
          </div>
        </div>
      </div>
      {props.compact === true ? null : (
        <table class="workers">
          <thead>
            <tr>
              <th>File</th>
              <th>State</th>
              <th class="num">Size</th>
              <th class="num">Stored</th>
              <th class="num">Lag (bytes)</th>
              <th class="num">Lag (s)</th>
            </tr>
          </thead>
          <tbody>
            {r.files.map((f) => (
              <tr>
                <td class="mono" title={f.source === f.path ? f.path : `${f.path}, stored as ${f.source}`}>
                  {f.path}
                </td>
                <td>{f.role === 'current' ? 'following' : 'rotated: draining'}</td>
                <td class="num">{formatBytes(f.size)}</td>
                <td class="num">{formatBytes(f.offset)}</td>
                <td class="num">{formatNumber(f.lag_bytes)}</td>
                <td class="num">{f.lag_seconds.toFixed(1)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

function IngestProgressView(props: { run: IngestProgressState; now: number }) {
  const r = props.run;
  const share = r.bytes_total !== null && r.bytes_total > 0 ? Math.min(1, r.bytes_done / r.bytes_total) : null;
  return (
    <div class="ingest" data-pid={String(r.pid)} data-lines={String(r.lines)}>
      <div class="runstate">
        <div class="line">
          <span>
            <span class={`badge ${r.state}`}>{r.state === 'running' ? 'running' : 'stopped'}</span> pid {String(r.pid)} · <span class="mono">{r.inputs.map((i) => (i === '-' ? 'standard input' : i)).join(' ')}</span>
          </span>
          <span class="muted">
            started {formatUtc(Date.parse(r.started_at))} · updated {formatDuration(Math.max(0, props.now - Date.parse(r.updated_at)))} ago
          </span>
        </div>
        {r.state === 'stopped' ? <div class="note">This ingest stopped without finishing (its process is gone): what it committed is in the store; run the same command again to finish.</div> : null}
        <div class={share === null ? 'progress indeterminate' : 'progress'} role="progressbar" aria-valuenow={share === null ? undefined : Math.round(share * 100)}>
          <span style={`width:${((share ?? 0) * 100).toFixed(1)}%`}></span>
        </div>
      </div>
      <div class="kv">
        <div>
          <div class="label">Read</div>
          <div class="value">
            {r.bytes_total === null && r.bytes_done === 0 ? (
              <span title="standard input has no size to measure against">stdin</span>
            ) : (
              <>
                {formatBytes(r.bytes_done)}
                {r.bytes_total !== null ? <span class="muted small"> of {r.estimated ? '~' : ''}{formatBytes(r.bytes_total)}</span> : null}
              </>
            )}
          </div>
        </div>
        <div>
          <div class="label">Lines</div>
          <div class="value" id="ingest-lines">
            {formatNumber(r.lines)}
          </div>
        </div>
        <div>
          <div class="label">Lines/s</div>
          <div class="value">{formatNumber(r.lines_per_second)}</div>
        </div>
        <div>
          <div class="label">ETA</div>
          <div class="value">{r.eta_seconds === null ? (r.bytes_total === null ? 'stdin: –' : '–') : formatDuration(r.eta_seconds * 1000)}</div>
        </div>
      </div>
      <table class="workers">
        <thead>
          <tr>
            <th>Worker</th>
            <th>Parsing now</th>
            <th class="num">Chunks done</th>
            <th class="num">Lines parsed</th>
          </tr>
        </thead>
        <tbody>
          {r.workers.map((w) => (
            <tr>
              <td>#{String(w.worker + 1)}</td>
              <td class="mono">
                {w.chunk === null ? (
                  <span class="muted">waiting</span>
                ) : (
                  `${w.chunk.source}${w.chunk.start !== null ? ` bytes ${formatNumber(w.chunk.start)}–${formatNumber(w.chunk.end ?? 0)}` : ` (${formatBytes(w.chunk.bytes)})`}`
                )}
              </td>
              <td class="num">{formatNumber(w.chunks_done)}</td>
              <td class="num">{formatNumber(w.lines_done)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** With `serve --redis`: the cluster's queue and workers, as `logscope cluster status` shows them. */
function ClusterPanel(props: { cluster: NonNullable<JobsData['cluster']> }) {
  const c = props.cluster;
  return (
    <>
      <div style="height:16px"></div>
      <Panel title="Cluster workers" hint={`from ${c.redis}`} flush>
        {'error' in c ? (
          <Empty title="Redis did not answer">
            <p>{c.error}</p>
          </Empty>
        ) : (
          <>
            <p class="muted" style="padding:0 12px" id="cluster-queue">
              Queue: {formatNumber(c.queue.waiting)} waiting · {formatNumber(c.queue.active)} active · {formatNumber(c.queue.delayed)} retrying · {formatNumber(c.queue.failed)} failed
            </p>
            {c.workers.length === 0 ? (
              <Empty title="No workers">
                <p>
                  Start some on machines that mount the inputs and this store: <code>logscope worker --redis URL</code>
                </p>
              </Empty>
            ) : (
              <table id="cluster-workers">
                <thead>
                  <tr>
                    <th>Host</th>
                    <th class="num">Pid</th>
                    <th class="num">Jobs now</th>
                    <th class="num">Jobs done</th>
                    <th class="num">Lines done</th>
                    <th class="num">Lines/s</th>
                    <th>Last seen</th>
                  </tr>
                </thead>
                <tbody>
                  {c.workers.map((w) => (
                    <tr>
                      <td class="text">{w.host}</td>
                      <td class="num">{String(w.pid)}</td>
                      <td class="num">{`${w.active}/${w.concurrency}`}</td>
                      <td class="num">{formatNumber(w.jobsDone)}</td>
                      <td class="num">{formatNumber(w.linesDone)}</td>
                      <td class="num">{formatNumber(w.linesPerSecond)}</td>
                      <td class={w.gone ? 'bad' : ''}>
                        {formatDuration(Math.max(0, w.ageMs))} ago{w.gone ? ' (gone?)' : ''}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </>
        )}
      </Panel>
    </>
  );
}
