import { describe, expect, it } from 'vitest';
import { EVENT_GAP_BUCKETS, groupEvents, type Anomaly } from '../../src/detect/index.js';

const MINUTE = 60_000;

/** A flagged errors bucket of series `*` at minute `m` after 10:00 UTC. */
function flagged(m: number, z = 4): Anomaly {
  return {
    bucket: new Date(Date.parse('2026-11-20T10:00:00Z') + m * MINUTE).toISOString(),
    series: '*', measure: 'errors', observed: 9, expected: 1, stddev: 2, z, z_trailing: z,
    severity: z >= 6 ? 'critical' : 'warning', baseline: 'trailing', samples: 60,
  };
}

describe('groupEvents', () => {
  it(`keeps flagged buckets separated by up to ${EVENT_GAP_BUCKETS} unflagged ones in one event, counting only the flagged`, () => {
    const minutes = [0, 2, 3, 3 + EVENT_GAP_BUCKETS + 1];
    const events = groupEvents(minutes.map((m) => flagged(m, m === 2 ? 7 : 4)), MINUTE);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ start: '2026-11-20T10:00:00.000Z', buckets: 4, severity: 'critical' });
    expect(events[0].end).toBe(new Date(Date.parse('2026-11-20T10:00:00Z') + (minutes[3] + 1) * MINUTE).toISOString());
    expect(events[0].peak.z).toBe(7);
  });

  it(`starts a new event after more than ${EVENT_GAP_BUCKETS} unflagged buckets`, () => {
    const events = groupEvents([flagged(0), flagged(EVENT_GAP_BUCKETS + 2)], MINUTE);
    expect(events.map((e) => e.start)).toEqual(['2026-11-20T10:00:00.000Z', flagged(EVENT_GAP_BUCKETS + 2).bucket]);
  });
});
