// id: unexecuted-penalties
// title_zh: 行政处罚建议或决定未执行
// title_en: Administrative penalties recommended or decided but not executed
// severity: high
// explains_zh: 每行是一项行政处罚：截至基准日已被建议、决定或经核查，但没有执行记录（或核查结论为未执行、无法执行），
//   且自最早已知日期（建议、决定或核查日期）起已超过 min_days 天。审计人员应向执行部门核实执行情况，
//   要求提供执行文书；无法执行的，查明原因并督促依法申请强制执行。没有任何日期的处罚无法判断截至基准日的状态，不列出。
// explains_en: Each row is an administrative penalty that, as of the reference date, had been recommended,
//   decided or checked but has no execution on record (or was checked as not executed / unenforceable), open at
//   least min_days days counted from its earliest known date (recommended, decided or checked). Ask the enforcing
//   department for the execution documents; where a penalty cannot be enforced, find out why and press for
//   court enforcement. Penalties with no date at all cannot be placed in time and are not listed.
// param: as_of date today 基准日 / reference date (facts dated after it are ignored)
// param: min_days int 0 最少未执行天数 / only items open at least this many days (0 = any)
// row_key: penalty_id
// count_zh: x = 列出的处罚数；y = 截至基准日有日期记录的处罚总数
// count_en: x = penalties listed; y = penalties with any dated fact by the reference date
// total: x
// (x counts the penalties the rows list, by the same conditions: one row each)
MATCH (p:Penalty)
WHERE (p.executed_day IS NULL OR p.executed_day > $as_of_day)
  AND NOT (coalesce(p.checked_status, '') = 'executed' AND coalesce(p.checked_day, $as_of_day + 1) <= $as_of_day)
  AND NOT (coalesce(p.status, '') = 'executed' AND p.executed_day IS NULL)
WITH p,
     CASE WHEN p.checked_day IS NULL OR coalesce(p.recommended_day, p.decided_day) <= p.checked_day
          THEN coalesce(p.recommended_day, p.decided_day, p.checked_day) ELSE p.checked_day END AS since_day
WHERE since_day <= $as_of_day AND $as_of_day - since_day >= $min_days
// For a page, the `// page` lines page here, in the rows' order (days_open DESC = since_day, then id),
// so only the page is enriched below, and look its items up again by key (UNWIND of a one-item list):
// extending from nodes carried through ORDER BY/LIMIT makes Ladybug scan every edge of the type, and
// collect() right after ORDER BY/LIMIT loses the order there. For every row the runner drops them.
WITH p, since_day ORDER BY since_day, p.id SKIP $page_offset LIMIT $page_limit  // page
UNWIND [p.id] AS page_id  // page
WITH page_id  // page
MATCH (p:Penalty {id: page_id})  // page
OPTIONAL MATCH (a:Accident)-[:INVESTIGATED_BY]->(:Investigation)-[:RECOMMENDS]->(p)
OPTIONAL MATCH (p)-[:ENFORCED_BY]->(d:Department)
OPTIONAL MATCH (p)-[:AGAINST]->(t)
WITH p, collect(DISTINCT a.name) AS accidents, collect(DISTINCT d.name) AS departments,
     collect(DISTINCT t.name) AS targets,
     CASE WHEN p.checked_day IS NULL OR coalesce(p.recommended_day, p.decided_day) <= p.checked_day
          THEN coalesce(p.recommended_day, p.decided_day, p.checked_day) ELSE p.checked_day END AS since_day
RETURN p.id AS penalty_id,
       p.name AS penalty,
       p.kind AS kind,
       p.amount_wan AS amount_wan,
       targets AS against,
       departments AS enforced_by,
       accidents AS accident,
       CASE WHEN p.decided_day <= $as_of_day THEN 'decided'
            WHEN p.recommended_day <= $as_of_day THEN 'recommended' END AS stage,
       CASE WHEN p.recommended_day <= $as_of_day THEN p.recommended_date END AS recommended_date,
       CASE WHEN p.decided_day <= $as_of_day THEN p.decided_date END AS decided_date,
       CASE WHEN p.checked_day <= $as_of_day THEN p.checked_status END AS checked_status,
       CASE WHEN p.checked_day <= $as_of_day THEN p.checked_date END AS checked_date,
       $as_of_day - since_day AS days_open
ORDER BY days_open DESC, penalty_id

// ---- subgraph
// The rows' filter once; each penalty's edges come out as parts 0-4 of one UNWIND (the runner removes the
// duplicates the OPTIONAL MATCHes multiply).
MATCH (p:Penalty)
WHERE (p.executed_day IS NULL OR p.executed_day > $as_of_day)
  AND NOT (coalesce(p.checked_status, '') = 'executed' AND coalesce(p.checked_day, $as_of_day + 1) <= $as_of_day)
  AND NOT (coalesce(p.status, '') = 'executed' AND p.executed_day IS NULL)
WITH p,
     CASE WHEN p.checked_day IS NULL OR coalesce(p.recommended_day, p.decided_day) <= p.checked_day
          THEN coalesce(p.recommended_day, p.decided_day, p.checked_day) ELSE p.checked_day END AS since_day
WHERE since_day <= $as_of_day AND $as_of_day - since_day >= $min_days
OPTIONAL MATCH (p)-[:ENFORCED_BY]->(d:Department)
OPTIONAL MATCH (p)-[:AGAINST]->(e:Enterprise)
OPTIONAL MATCH (p)-[:AGAINST]->(x:Person)
OPTIONAL MATCH (a:Accident)-[:INVESTIGATED_BY]->(i:Investigation)-[:RECOMMENDS]->(p)
UNWIND [0, 1, 2, 3, 4] AS part
WITH p, d, e, x, a, i, part
WHERE (part = 0 AND d IS NOT NULL) OR (part = 1 AND e IS NOT NULL) OR (part = 2 AND x IS NOT NULL)
   OR (part >= 3 AND i IS NOT NULL)
RETURN CASE part WHEN 3 THEN i.id WHEN 4 THEN a.id ELSE p.id END AS src,
       CASE part WHEN 3 THEN 'Investigation' WHEN 4 THEN 'Accident' ELSE 'Penalty' END AS src_label,
       CASE part WHEN 0 THEN 'ENFORCED_BY' WHEN 3 THEN 'RECOMMENDS' WHEN 4 THEN 'INVESTIGATED_BY' ELSE 'AGAINST' END AS rel,
       CASE part WHEN 0 THEN d.id WHEN 1 THEN e.id WHEN 2 THEN x.id WHEN 3 THEN p.id ELSE i.id END AS dst,
       CASE part WHEN 0 THEN 'Department' WHEN 1 THEN 'Enterprise' WHEN 2 THEN 'Person' WHEN 3 THEN 'Penalty'
            ELSE 'Investigation' END AS dst_label,
       CASE part WHEN 3 THEN i.name WHEN 4 THEN a.name ELSE p.name END AS src_name,
       CASE part WHEN 0 THEN d.name WHEN 1 THEN e.name WHEN 2 THEN x.name WHEN 3 THEN p.name ELSE i.name END AS dst_name

// ---- count
MATCH (p:Penalty)
WITH p,
     CASE WHEN p.checked_day IS NULL OR coalesce(p.recommended_day, p.decided_day) <= p.checked_day
          THEN coalesce(p.recommended_day, p.decided_day, p.checked_day) ELSE p.checked_day END AS since_day
WHERE since_day <= $as_of_day OR p.executed_day <= $as_of_day
WITH p, since_day,
     (p.executed_day IS NULL OR p.executed_day > $as_of_day)
     AND NOT (coalesce(p.checked_status, '') = 'executed' AND coalesce(p.checked_day, $as_of_day + 1) <= $as_of_day)
     AND NOT (coalesce(p.status, '') = 'executed' AND p.executed_day IS NULL) AS not_executed
RETURN sum(CASE WHEN not_executed AND since_day <= $as_of_day AND $as_of_day - since_day >= $min_days
                THEN 1 ELSE 0 END) AS x,
       count(p) AS y
