-- zscore: how unusual each time bucket is, per series and measure, against a baseline.
-- Run: logscope anomalies --bucket 1m --window 60 --threshold 3
--      logscope sql zscore -p bucket=5m -p by=service -p flagged_only=true
-- Parameters:
--   $bucket        INTERVAL   bucket width, e.g. '1 minute'
--   $since         TIMESTAMP  first instant (inclusive, UTC); NULL = the first stored line
--   $until         TIMESTAMP  last instant (exclusive, UTC); NULL = just after the last stored line
--   $by            VARCHAR    '' (one series, '*'), 'service', 'host', 'level' or an attrs key
--   $window        INTEGER    trailing buckets in the baseline (default 60)
--   $baseline      VARCHAR    'trailing', 'seasonal', or 'auto' (seasonal where a previous season exists, else trailing)
--   $season        INTERVAL   '1 day' (same time of day) or '7 days' (same hour of the week)
--   $seasons       INTEGER    previous seasons in the seasonal sample (default 7)
--   $spread        INTEGER    buckets either side of the same time taken into the seasonal sample (default 5)
--   $confirm       DOUBLE     seasonal judgement of counts (and of values without $robust): the trailing z must also be
--                             past this, on the same side (default 1)
--   $weekly        BOOLEAN    seasonal judgement: where the same time of the week exists in up to 4 earlier weeks,
--                             the bucket must also be past the threshold against their median (default true),
--                             so the weekend of a weekly cycle is no anomaly of the daily one
--   $threshold     DOUBLE     |z| at which a bucket is flagged: at once past 2 x threshold, otherwise when
--                             the bucket before was past the threshold on the same side too (default 3)
--   $min_count     DOUBLE     counted measures: flagged only when observed or expected reaches this (default 5);
--                             with a flat history (stddev 0) a change of at least this many is flagged
--                             (a rise only when larger than a typical earlier day's largest bucket: the
--                             median over the previous `seasons` seasons, three at least, of each one's largest)
--   $min_change    DOUBLE     value metrics: flagged only when observed differs from expected by at least this share
--                             of expected (default 0.1; 0 = any change), as min_count is for counts
--   $robust        BOOLEAN    value metrics: trailing median and MAD instead of mean and stddev, and every spread at
--                             least the series' own point-to-point noise (default true; false = the earlier judgement)
--   $day_floor     BOOLEAN    robust value metrics: a sustained change is judged against at least the typical spread
--                             of the series at that time of day in earlier seasons (default true)
--   $day_max       BOOLEAN    robust value metrics with a heavy tail: a bucket flagged at once must also be further
--                             from expected than the farthest bucket of a typical earlier season (default true)
--   $flagged_only  BOOLEAN    only the flagged buckets
-- Columns: bucket, series, measure, observed, expected, stddev, z, z_trailing, severity, baseline, samples, flagged
--   measure: 'errors' (ERROR + FATAL lines, flagged when high), 'volume' (all lines, flagged
--   when high or low); `logscope anomalies --metric EXPR` swaps in one measure of its own.
--   Trailing baseline: expected/stddev are the mean and sample standard deviation of the `window`
--   buckets before. Seasonal baseline: the values at the same time of the season (and up to
--   `spread` buckets either side, so a nightly job that starts a few minutes late still matches
--   itself) in the `seasons` previous seasons. A rise is judged against the highest of their lower
--   quartiles (the minimum with up to four seasons) for a measure watched only for rises (errors),
--   else against the highest median: a burst on one earlier day does not hide today's. A drop is
--   judged against the lowest upper quartile, or median. Expected is that reference (for a value
--   between the two, the nearer one; inside the range, the value itself). stddev is the smaller of
--   1.4826 x the mean median absolute deviation of those values and the trailing stddev (a burst on
--   one of two earlier days widens the first, a ramp the second), for counts at least the Poisson
--   spread sqrt(max(expected, trailing mean)). The bucket must also be `confirm` trailing stddevs
--   away from the trailing mean on the same side, so that a change which has lasted longer than
--   the trailing window stops firing.
--   z = (observed - expected) / stddev, NULL when stddev is 0. z_trailing: against the trailing
--   window. baseline: which one judged the bucket ('trailing', 'seasonal'; NULL = too little
--   history). samples: values in that baseline.
--   Value metrics (not counts), with $robust: the level is the median of the trailing window (a spike
--   or the step of a level shift does not move it); the seasonal sample is of the value less that
--   median at the time (a daily shape, which a level shift or a drift leaves alone); the residual
--   (value less trailing median less the seasonal reference, or less nothing without a season) is
--   judged against the median and 1.4826 x MAD of the residuals in the trailing window, and that
--   spread is at least the noise floor: 0.886 x the mean non-zero change from one bucket to the
--   next over the last `seasons` seasons (the stddev of independent noise; a long flat stretch
--   does not collapse it). Expected = trailing median + seasonal reference + residual median.
--   --confirm does not apply. Flagged only with |observed - expected| >= min_change x |expected|.
--   Heavy tails: that spread is then widened by the series' own tail, the median over the previous
--   `seasons` seasons of each season's 99th percentile of |z| divided by 2.576 (the normal's), when
--   above 1: ordinary bursts that come every day (and heavy-tailed noise) stop firing, while a value
--   past anything of a typical day still does (in the first judged season, the tail of that season
--   so far); stddev and z are reported on the widened spread.
--   At once (past 2 x threshold) is judged against the series' point-to-point jumps instead (the
--   same median of the 99th percentile of the change of z from the bucket before, over 2.576) where
--   they are narrower than its level's tail: a series that wanders slowly keeps its glitches.
--   With $day_max, in a heavy-tailed series (that tail at least 1.25 x the normal's) a bucket
--   flagged at once must also be further from expected than the farthest bucket of a typical
--   earlier season (the median over the previous `seasons` seasons of each one's largest
--   |observed - expected|): a lone spike no larger than what every day has is no anomaly. Runs of
--   buckets are not held to it.
--   Sustained changes: a bucket is also flagged when it and at least 4 of the last 6 buckets are past
--   the threshold on the same side against the spread before widening (and past the same time of
--   earlier weeks), so a change smaller than the bursts that lasts is still found. With $day_floor
--   that spread is at least the series' usual spread at this time of day: the median, over the
--   previous `seasons` seasons, of the residuals' spread (1.4826 x MAD) in a window of `window`
--   buckets centred on this time (used where that window held at least half its buckets). A calm
--   night does not make ordinary daytime noise a sustained change the next morning.
--   Collapse to near zero: a value metric watched for drops is also flagged when it and at least 4
--   of the last 6 buckets are at most a tenth of expected, of the trailing median (both > 0) and
--   of the lowest seasonal reference nearby, however wide the spread: a feed that goes dead or
--   traffic that stops in a bursty series, whose upward bursts make the spread and the noise
--   floor wider than the whole level. A series that is mostly zeros (trailing median 0) has no
--   level to collapse from; one with values below 0 in the trailing window is a signed quantity,
--   which this rule leaves alone; a fall to 0 that earlier days show at this time is none.
-- Buckets are zero-filled for counts; a bucket without records is a gap (NULL) for a value metric.
WITH settings AS (
  SELECT
    $since::TIMESTAMP AS since,
    -- Baselines need history from before the first reported bucket.
    $since::TIMESTAMP - greatest(
      $window::INTEGER * $bucket::INTERVAL,
      CASE WHEN $baseline::VARCHAR = 'trailing' THEN INTERVAL 0 SECOND
        ELSE $seasons::INTEGER * $season::INTERVAL + $spread::INTEGER * $bucket::INTERVAL END
    ) AS read_from
),
records AS (
  SELECT
    -- time_bucket($bucket, ts), in integer arithmetic (several times faster on TIMESTAMPTZ):
    -- buckets aligned like time_bucket's, to 2000-01-03 00:00 UTC (a Monday).
    make_timestamp((epoch_us(ts) - 946857600000000) // (epoch($bucket::INTERVAL) * 1000000)::BIGINT
      * (epoch($bucket::INTERVAL) * 1000000)::BIGINT + 946857600000000) AS bucket,
    coalesce(CASE $by::VARCHAR
      WHEN '' THEN '*'
      WHEN 'service' THEN service
      WHEN 'host' THEN host
      WHEN 'level' THEN level
      ELSE attrs ->> $by::VARCHAR
    END, '(none)') AS series,
    /*fields{*/ level /*}fields*/
  FROM /*source{*/logs/*}source*/
  WHERE ts >= coalesce((SELECT read_from FROM settings), '-infinity'::TIMESTAMP)
    AND ($until::TIMESTAMP IS NULL OR ts < $until::TIMESTAMP)
),
measured AS (
  SELECT bucket, series, unnest(values, recursive := true)
  FROM (
    SELECT bucket, series, list_value(
      /*measures{*/
      {'measure': 'errors', 'value': (count(*) FILTER (WHERE level IN ('ERROR', 'FATAL')))::DOUBLE, 'empty': 0::DOUBLE, 'direction': 'up', 'counted': true},
      {'measure': 'volume', 'value': count(*)::DOUBLE, 'empty': 0::DOUBLE, 'direction': 'both', 'counted': true}
      /*}measures*/
    ) AS values
    FROM records
    GROUP BY bucket, series
  )
),
measures AS (
  SELECT DISTINCT measure, empty, direction, counted FROM measured
),
span AS (
  SELECT
    -- No earlier than the first record: before it there is no history, not a history of zeros.
    greatest(time_bucket($bucket::INTERVAL, settings.read_from), min(bucket)) AS lo,
    coalesce(time_bucket($bucket::INTERVAL, $until::TIMESTAMP - INTERVAL 1 MICROSECOND), max(bucket)) AS hi
  FROM measured, settings
  GROUP BY settings.read_from
),
filled AS (
  SELECT
    g.range AS bucket,
    s.series,
    m.measure,
    m.direction,
    m.counted,
    coalesce(o.value, m.empty) AS observed
  FROM span
  CROSS JOIN range(span.lo, span.hi + $bucket::INTERVAL, $bucket::INTERVAL) AS g
  CROSS JOIN (SELECT DISTINCT series FROM measured) AS s
  CROSS JOIN measures AS m
  LEFT JOIN measured AS o ON o.bucket = g.range AND o.series = s.series AND o.measure = m.measure
),
leveled AS (
  SELECT
    *,
    /*trail_windows{*/
    CASE WHEN robust_value THEN median(observed) OVER w_trail ELSE avg(observed) OVER w_trail END AS t_mean,
    -- (Robust values are flagged by their residuals: this spread only gives z_trailing, and a MAD window is costly.)
    stddev_samp(observed) OVER w_trail AS t_sd_raw,
    -- Steps of 0 are left out: a sensor that repeats its reading for hours has not stopped being noisy.
    CASE WHEN robust_value THEN 0.8862 * avg(step) FILTER (WHERE step > 0) OVER w_long END AS noise_sd,
    -- The trailing window's lowest value: a collapse to near zero is one of a series that is never below 0.
    CASE WHEN robust_value THEN min(observed) OVER w_trail END AS t_min,
    /*}trail_windows*/
    count(observed) OVER w_trail AS t_n
  FROM (
    SELECT
      *,
      $robust::BOOLEAN AND NOT counted AS robust_value,
      -- Change from the bucket before, for the noise floor of value metrics.
      /*step{*/abs(observed - lag(observed) OVER (PARTITION BY series, measure ORDER BY bucket))/*}step*/ AS step,
      epoch(bucket)::BIGINT % epoch($season::INTERVAL)::BIGINT AS slot,
      epoch(bucket)::BIGINT // epoch($season::INTERVAL)::BIGINT AS cycle,
      epoch(bucket)::BIGINT % 604800 AS week_slot,
      epoch(bucket)::BIGINT // 604800 AS week_cycle
    FROM filled
  )
  WINDOW
    w_trail AS (PARTITION BY series, measure ORDER BY bucket ROWS BETWEEN $window::INTEGER PRECEDING AND 1 PRECEDING),
    w_long AS (PARTITION BY series, measure ORDER BY bucket
      ROWS BETWEEN (epoch($season::INTERVAL) * $seasons::INTEGER // epoch($bucket::INTERVAL))::BIGINT PRECEDING AND 1 PRECEDING)
),
trailed AS (
  SELECT
    *,
    /*seasonal_windows{*/
    -- The values (sv) at this time of the season in the previous seasons: lower and upper quartile
    -- (with up to four seasons: the minimum and maximum) and median absolute deviation.
    CASE WHEN $baseline::VARCHAR = 'trailing' THEN NULL WHEN direction = 'up' THEN quantile_disc(sv, 0.25) OVER w_slot ELSE median(sv) OVER w_slot END AS slot_low,
    CASE WHEN $baseline::VARCHAR = 'trailing' THEN NULL WHEN direction = 'down' THEN quantile_disc(sv, 0.75) OVER w_slot ELSE median(sv) OVER w_slot END AS slot_high,
    CASE WHEN $baseline::VARCHAR <> 'trailing' THEN mad(sv) OVER w_slot END AS slot_mad,
    count(sv) OVER w_slot AS slot_n,
    -- The same for the same time of the week, when weekly seasonality is checked too.
    CASE WHEN $weekly::BOOLEAN AND $baseline::VARCHAR <> 'trailing' THEN median(sv) OVER w_week END AS week_median,
    CASE WHEN $weekly::BOOLEAN AND $baseline::VARCHAR <> 'trailing' THEN count(sv) OVER w_week END AS week_n
    /*}seasonal_windows*/
  FROM (
    -- What the season is learnt from: the value, or for robust value metrics the value less the
    -- trailing median (a daily shape that a level shift or a drift leaves alone).
    SELECT *, observed - CASE WHEN robust_value THEN t_mean ELSE 0 END AS sv FROM leveled
  )
  WINDOW
    w_slot AS (PARTITION BY series, measure, slot ORDER BY cycle RANGE BETWEEN $seasons::INTEGER PRECEDING AND 1 PRECEDING),
    w_week AS (PARTITION BY series, measure, week_slot ORDER BY week_cycle RANGE BETWEEN 4 PRECEDING AND 1 PRECEDING)
),
-- The seasonal sample: the same for the buckets +- spread around this one. A rise is judged
-- against the highest lower quartile nearby (a nightly job that starts a few minutes late still
-- matches itself; a burst on one earlier day does not raise it), a drop against the lowest
-- upper quartile.
seasonal AS (
  SELECT
    * EXCLUDE (t_sd_raw),
    greatest(t_sd_raw, noise_sd) AS t_sd,
    /*near_windows{*/
    max(slot_low) OVER w_near AS s_up,
    min(slot_high) OVER w_near AS s_down,
    1.4826 * avg(slot_mad) OVER w_near AS s_mad,
    sum(slot_n) OVER w_near AS s_n,
    max(week_median) OVER w_near AS w_up,
    min(week_median) OVER w_near AS w_down,
    sum(week_n) OVER w_near AS w_n
    /*}near_windows*/
  FROM trailed
  WINDOW w_near AS (PARTITION BY series, measure ORDER BY bucket ROWS BETWEEN $spread::INTEGER PRECEDING AND $spread::INTEGER FOLLOWING)
),
-- Value metrics with $robust: the value less the seasonal reference (the trailing median plus the
-- middle of the seasonal sample nearby of the value less its trailing median; 0 without one), judged against the median and MAD of the same in the trailing
-- window. The level the season is compared at is today's: a level that shifted, or drifts, is
-- learnt within half a window, while a daily cycle stays explained by the earlier days.
deseasoned AS (
  SELECT
    *,
    $baseline::VARCHAR IN ('seasonal', 'auto') AND coalesce(s_n, 0) > $spread::INTEGER AS has_season,
    CASE WHEN NOT robust_value THEN NULL
      WHEN $baseline::VARCHAR IN ('seasonal', 'auto') AND coalesce(s_n, 0) > $spread::INTEGER THEN t_mean + (s_up + s_down) / 2 ELSE 0 END AS s_mid
  FROM seasonal
),
residual AS (
  SELECT
    *,
    -- Partitioned by has_season: residuals against a season are not mixed with raw values.
    /*residual_windows{*/
    CASE WHEN robust_value THEN median(observed - s_mid) OVER w_res END AS r_med,
    CASE WHEN robust_value THEN 1.4826 * mad(observed - s_mid) OVER w_res END AS r_sd,
    count(observed - s_mid) OVER w_res AS r_n
    /*}residual_windows*/
  FROM deseasoned
  WINDOW w_res AS (PARTITION BY series, measure, has_season ORDER BY bucket ROWS BETWEEN $window::INTEGER PRECEDING AND 1 PRECEDING)
),
-- Robust value metrics, the spread of the series at this time of day: the residuals' spread of the
-- window centred on this time (r_sd of the bucket half a window later, when that window is full)
-- on the previous `seasons` seasons, their median. A floor for sustained changes: the trailing
-- spread of a calm night is not what ordinary daytime noise should be judged against.
day_spread AS (
  SELECT *,
    /*day_spread{*/CASE WHEN $day_floor::BOOLEAN AND robust_value THEN median(r_sd_ahead) OVER w_slot END/*}day_spread*/ AS day_sd
  FROM (
    SELECT *,
      /*spread_ahead{*/CASE WHEN $day_floor::BOOLEAN AND robust_value AND lead(r_n, $window::INTEGER // 2) OVER w_ahead >= $window::INTEGER // 2
        THEN lead(r_sd, $window::INTEGER // 2) OVER w_ahead END/*}spread_ahead*/ AS r_sd_ahead
    FROM residual
    WINDOW w_ahead AS (PARTITION BY series, measure ORDER BY bucket)
  )
  WINDOW w_slot AS (PARTITION BY series, measure, slot ORDER BY cycle RANGE BETWEEN $seasons::INTEGER PRECEDING AND 1 PRECEDING)
),
based AS (
  SELECT
    *,
    CASE WHEN t_sd > 1e-9 * greatest(1, abs(t_mean)) THEN (observed - t_mean) / t_sd END AS z_trailing,
    CASE
      WHEN robust_value THEN CASE WHEN r_n < greatest(3, $window::INTEGER // 4) THEN NULL
        WHEN has_season THEN 'seasonal' WHEN $baseline::VARCHAR IN ('trailing', 'auto') THEN 'trailing' END
      WHEN $baseline::VARCHAR IN ('seasonal', 'auto') AND coalesce(s_n, 0) > $spread::INTEGER AND (counted OR s_mad > 0) THEN 'seasonal'
      WHEN $baseline::VARCHAR IN ('trailing', 'auto') AND t_n >= greatest(3, $window::INTEGER // 4) THEN 'trailing'
    END AS baseline,
    -- Expected: s_up for a value above it, s_down for one below it; for one both above s_up and
    -- below s_down (the usual, unremarkable case) whichever is nearer; otherwise the value itself.
    CASE
      WHEN observed > s_up AND observed < s_down THEN CASE WHEN observed - s_up <= s_down - observed THEN s_up ELSE s_down END
      WHEN observed > s_up THEN s_up
      WHEN observed < s_down THEN s_down
      ELSE observed
    END AS s_center
  FROM day_spread
  WHERE bucket >= (SELECT coalesce(time_bucket($bucket::INTERVAL, since), bucket) FROM settings)
),
seasonal_sd AS (
  -- The spread: the seasonal one or the trailing one, whichever is smaller (a burst on one of only
  -- two earlier days widens the first, a ramp the second); for counts at least the Poisson
  -- spread, sqrt of the larger of expected and the trailing mean.
  -- Robust value metrics: the residuals' spread, at least the noise floor.
  SELECT *, CASE WHEN robust_value THEN greatest(r_sd, noise_sd)
    ELSE greatest(least(s_mad, t_sd), CASE WHEN counted THEN sqrt(greatest(s_center, t_mean, 0)) END) END AS s_sd
  FROM based
),
scored AS (
  SELECT
    bucket, series, measure, direction, counted, observed, baseline, z_trailing, t_mean, t_min,
    -- Robust value metrics: the lowest seasonal reference nearby (at today's level), where the
    -- earlier seasons give one: what this time of day has been at its lowest.
    CASE WHEN robust_value AND has_season THEN t_mean + s_down END AS s_low,
    -- Against the same time a week before (when a week of history exists): how far past it.
    CASE WHEN baseline = 'seasonal' AND w_n > $spread::INTEGER AND s_sd > 0 THEN
      CASE WHEN sv > w_up THEN (sv - w_up) / s_sd WHEN sv < w_down THEN (sv - w_down) / s_sd ELSE 0 END
    END AS z_week,
    CASE WHEN baseline IS NULL THEN NULL WHEN robust_value THEN s_mid + r_med WHEN baseline = 'seasonal' THEN s_center ELSE t_mean END AS expected,
    CASE WHEN baseline IS NULL THEN NULL WHEN robust_value OR baseline = 'seasonal' THEN s_sd ELSE t_sd END AS stddev,
    CASE WHEN baseline IS NULL THEN NULL WHEN robust_value THEN r_n WHEN baseline = 'seasonal' THEN s_n ELSE t_n END AS samples, robust_value, cycle, day_sd
  FROM seasonal_sd
),
-- Robust value metrics: the spread is widened where the series' own residuals have a heavier tail
-- than a normal one (ordinary bursts that come every day, heavy-tailed noise): by the typical
-- day's tail, the median over the previous `seasons` seasons of each one's 99th percentile of |z|,
-- over 2.576 (the normal's), when above 1. A median of seasons, so that one season with an
-- anomaly in it does not hide the next.
scored_abs AS (
  SELECT *,
    -- Until earlier seasons have a tail (the first judged season): this season's so far.
    /*tail_today{*/CASE WHEN count(z_abs) OVER w_today >= 48 THEN quantile_cont(z_abs, 0.99) OVER w_today END AS today_q,
    CASE WHEN count(z_jump) OVER w_today >= 48 THEN quantile_cont(z_jump, 0.99) OVER w_today END AS today_jump_q/*}tail_today*/
  FROM (
    SELECT *, abs(z_signed) AS z_abs, abs(z_signed - lag(z_signed) OVER (PARTITION BY series, measure ORDER BY bucket)) AS z_jump
    FROM (SELECT *, CASE WHEN robust_value AND stddev > 1e-9 * greatest(1, abs(expected)) THEN (observed - expected) / stddev END AS z_signed FROM scored)
  )
  WINDOW w_today AS (PARTITION BY series, measure, cycle ORDER BY bucket ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
),
season_tails AS (
  SELECT series, measure, cycle,
    median(day_q) OVER w_seasons AS tail_q,
    median(day_jump_q) OVER w_seasons AS jump_q,
    median(day_max) OVER w_seasons AS max_q,
    CASE WHEN count(day_top) OVER w_seasons >= 3 THEN median(day_top) OVER w_seasons END AS top_q
  FROM (
    SELECT series, measure, cycle,
      /*tail_quantile{*/CASE WHEN count(z_abs) >= 48 THEN quantile_cont(z_abs, 0.99) END AS day_q,
      CASE WHEN count(z_jump) >= 48 THEN quantile_cont(z_jump, 0.99) END AS day_jump_q,
      CASE WHEN $day_max::BOOLEAN AND count(z_abs) >= 48 THEN max(abs(observed - expected)) FILTER (WHERE z_abs IS NOT NULL) END AS day_max/*}tail_quantile*/,
      -- Counts: the season's largest bucket, for a flat history below.
      CASE WHEN bool_and(counted) THEN max(observed) END AS day_top
    FROM scored_abs
    GROUP BY series, measure, cycle
  )
  WINDOW w_seasons AS (PARTITION BY series, measure ORDER BY cycle RANGE BETWEEN $seasons::INTEGER PRECEDING AND 1 PRECEDING)
),
tailed AS (
  SELECT scored_abs.* EXCLUDE (z_abs, z_jump, z_signed, stddev, today_q, today_jump_q), stddev AS stddev_raw,
    stddev * greatest(1, coalesce(season_tails.tail_q, today_q) / 2.576) AS stddev,
    least(greatest(1, coalesce(season_tails.tail_q, today_q) / 2.576), greatest(1, coalesce(season_tails.jump_q, today_jump_q) / 2.576)) AS jump_f,
    -- Heavy-tailed: a typical day's tail at least a quarter wider than the normal's.
    coalesce(season_tails.tail_q, today_q) >= 1.25 * 2.576 AS heavy, season_tails.max_q, season_tails.top_q
  FROM scored_abs LEFT JOIN season_tails USING (series, measure, cycle)
),
judged AS (
  SELECT
    *,
    CASE WHEN stddev > 1e-9 * greatest(1, abs(expected)) THEN (observed - expected) / stddev END AS z,
    CASE WHEN robust_value AND stddev_raw > 1e-9 * greatest(1, abs(expected)) THEN (observed - expected) / stddev_raw END AS z_raw,
    -- For sustained changes: against at least the spread of a typical day at this time.
    CASE WHEN robust_value AND greatest(stddev_raw, day_sd) > 1e-9 * greatest(1, abs(expected)) THEN (observed - expected) / greatest(stddev_raw, day_sd) END AS z_held,
    CASE WHEN counted THEN greatest(observed, expected) >= $min_count::DOUBLE
      ELSE abs(observed - expected) >= $min_change::DOUBLE * abs(expected) END AND observed IS NOT NULL AS big_enough,
    -- Robust value metrics, near zero: at most a tenth of expected, of the trailing median and of
    -- the lowest seasonal reference nearby (see the collapse below).
    0.1 * least(expected, t_mean, coalesce(s_low, expected)) AS near_zero
  FROM tailed
),
passed AS (
  SELECT
    *,
    -- Past the threshold in a direction this measure is watched in (+1 high, -1 low, 0 neither);
    -- a seasonal judgement also needs the trailing window to agree.
    CASE
      WHEN z >= $threshold::DOUBLE AND direction IN ('up', 'both')
        AND (baseline = 'trailing' OR robust_value OR z_trailing >= $confirm::DOUBLE OR (z_trailing IS NULL AND observed > t_mean))
        AND coalesce(z_week >= $threshold::DOUBLE, true) THEN 1
      WHEN z <= -$threshold::DOUBLE AND direction IN ('down', 'both')
        AND (baseline = 'trailing' OR robust_value OR z_trailing <= -$confirm::DOUBLE OR (z_trailing IS NULL AND observed < t_mean))
        AND coalesce(z_week <= -$threshold::DOUBLE, true) THEN -1
      ELSE 0
    END AS side,
    -- Robust value metrics, a sustained change: this bucket and at least 4 of the last 6 past the
    -- threshold on the same side before the tail widening (a burst of a few buckets is not one),
    -- and past the same time of earlier weeks.
    CASE WHEN z_held >= $threshold::DOUBLE AND direction IN ('up', 'both') AND coalesce(z_week >= $threshold::DOUBLE, true)
        AND count(*) FILTER (WHERE z_held >= $threshold::DOUBLE) OVER w_run >= 4 THEN 1
      WHEN z_held <= -$threshold::DOUBLE AND direction IN ('down', 'both') AND coalesce(z_week <= -$threshold::DOUBLE, true)
        AND count(*) FILTER (WHERE z_held <= -$threshold::DOUBLE) OVER w_run >= 4 THEN -1
      ELSE 0
    END AS sustained,
    -- Robust value metrics, a collapse: this bucket and at least 4 of the last 6 at most a tenth of
    -- expected and of the trailing median, whatever the spread (upward bursts can make it wider
    -- than the level itself). A series whose trailing median is 0 (mostly zeros, with a few
    -- non-zero readings) has no level to fall from, and one with values below 0 in the trailing
    -- window (a signed quantity) no zero to fall to. Nor is it a collapse where the earlier days
    -- nearby were as low (the lowest seasonal reference, s_low): a series that falls to 0 every
    -- night at midnight, whose trailing median is still the day's level for hours.
    robust_value AND direction IN ('down', 'both') AND expected > 0 AND t_mean > 0 AND t_min >= 0 AND observed >= 0
      AND observed <= near_zero AND count(*) FILTER (WHERE observed <= near_zero) OVER w_run >= 4 AS collapsed
  FROM judged
  WINDOW w_run AS (PARTITION BY series, measure ORDER BY bucket ROWS BETWEEN 5 PRECEDING AND CURRENT ROW)
),
flagged AS (
  SELECT
    *,
    coalesce(big_enough AND (
      -- Far past the threshold: at once.
      (side <> 0 AND CASE WHEN robust_value THEN abs(z_raw) >= 2 * $threshold::DOUBLE * jump_f
          -- In a heavy-tailed series, also past the largest distance of a typical earlier day.
          AND (NOT heavy OR max_q IS NULL OR abs(observed - expected) > max_q)
        ELSE abs(z) >= 2 * $threshold::DOUBLE END)
      -- Past it: when the bucket before was past it on the same side too.
      OR (side <> 0 AND lag(side) OVER (PARTITION BY series, measure ORDER BY bucket) = side)
      OR sustained <> 0
      OR collapsed
      -- A flat history (stddev 0, e.g. no errors at all): a change of at least min_count; a rise
      -- also larger than a typical earlier season's largest bucket (top_q), so that a log that
      -- writes in bursts after hours of nothing does not fire on every burst.
      OR (z IS NULL AND stddev IS NOT NULL AND counted AND (
        (observed - expected >= $min_count::DOUBLE AND direction IN ('up', 'both') AND (top_q IS NULL OR observed > top_q))
        OR (expected - observed >= $min_count::DOUBLE AND direction IN ('down', 'both'))))
    ), false) AS is_flagged
  FROM passed
)
SELECT
  bucket,
  series,
  measure,
  observed,
  expected,
  stddev,
  z,
  z_trailing,
  CASE WHEN is_flagged THEN
    CASE WHEN z IS NULL OR abs(z) >= 2 * $threshold::DOUBLE THEN 'critical' ELSE 'warning' END
  END AS severity,
  baseline,
  samples,
  is_flagged AS flagged
FROM flagged
WHERE NOT $flagged_only::BOOLEAN OR is_flagged
ORDER BY bucket, series, measure;
