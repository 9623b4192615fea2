import { DuckDBInstance } from '@duckdb/node-api';
const inst = await DuckDBInstance.create(':memory:');
const conn = await inst.connect();
for (const d of process.argv.slice(2)) {
  const r = await conn.runAndReadAll(`SELECT count(*), sum(hash(ts)), sum(hash(host)), sum(hash(service)), sum(hash(pid)), sum(hash(level)), sum(hash(level_raw)), sum(hash(message)), sum(hash(attrs::VARCHAR)), sum(hash(source)), sum(hash(line)), sum(hash(format)), sum(hash(signature)), count(signature), count(pid), count(host) FROM read_parquet('${d}/logs/*/*.parquet', hive_partitioning=false)`);
  console.log(d, r.getRows()[0].map(String).join(' '));
  const u = await conn.runAndReadAll(`SELECT count(*), sum(hash(raw)), sum(hash(line)) FROM read_parquet('${d}/unparsed/*.parquet')`);
  console.log('  unparsed', u.getRows()[0].map(String).join(' '));
  const ro = await conn.runAndReadAll(`SELECT count(*), sum(hash(ts, service, host, level, n)) FROM read_parquet('${d}/rollup/*/*.parquet', hive_partitioning=false)`);
  console.log('  rollup', ro.getRows()[0].map(String).join(' '));
  const t = await conn.runAndReadAll(`ATTACH '${d}/catalog.duckdb' AS c (READ_ONLY); SELECT count(*), sum(hash(id, text, count)) FROM c.templates`).catch(e => null);
  if (t) console.log('  templates', t.getRows()[0].map(String).join(' '));
  await conn.run('DETACH DATABASE IF EXISTS c').catch(()=>{});
}
