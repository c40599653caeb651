// id: undisciplined-officials
// title_zh: 公职人员问责建议未落实
// title_en: Recommended discipline of officials not carried out
// severity: high
// explains_zh: 每行是一项对公职人员或部门的党纪政务处分、问责建议：截至基准日已被建议、决定或经核查，
//   但没有落实记录（或核查结论为未落实），且自最早已知日期起已超过 min_days 天。
//   审计人员应向纪检监察机关或任免机关核实处分决定是否作出、是否执行，处分对象是否仍在原岗位。
//   没有任何日期的处分建议无法判断截至基准日的状态，不列出。
// explains_en: Each row is a recommended party or administrative sanction of officials (or of a department) that,
//   as of the reference date, had been recommended, decided or checked but has no execution on record (or was
//   checked as not carried out), open at least min_days days from its earliest known date. Ask the discipline
//   inspection body or the appointing authority whether the sanction was decided and carried out and whether those
//   concerned are still in post. Recommendations with no date at all cannot be placed in time and are not listed.
// param: as_of date today 基准日 / reference date (facts dated after it are ignored)
// param: min_days int 0 最少未落实天数 / only items open at least this many days (0 = any)
// row_key: discipline_id
// count_zh: x = 列出的处分数；y = 截至基准日有日期记录的处分总数
// count_en: x = sanctions listed; y = sanctions with any dated fact by the reference date
MATCH (p:Discipline)
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
MATCH (p:Discipline {id: page_id})  // page
OPTIONAL MATCH (a:Accident)-[:INVESTIGATED_BY]->(:Investigation)-[:RECOMMENDS]->(p)
OPTIONAL MATCH (p)-[:ENFORCED_BY]->(d:Department)
OPTIONAL MATCH (p)-[:AGAINST]->(t)
WITH p, collect(DISTINCT a.name) AS accidents, collect(DISTINCT d.name) AS departments,
     collect(DISTINCT t.name) AS targets,
     CASE WHEN p.checked_day IS NULL OR coalesce(p.recommended_day, p.decided_day) <= p.checked_day
          THEN coalesce(p.recommended_day, p.decided_day, p.checked_day) ELSE p.checked_day END AS since_day
RETURN p.id AS discipline_id,
       p.name AS discipline,
       p.kind AS kind,
       p.officials_count AS officials_count,
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
ORDER BY days_open DESC, discipline_id

// ---- subgraph
MATCH (p:Discipline)
WHERE (p.executed_day IS NULL OR p.executed_day > $as_of_day)
  AND NOT (coalesce(p.checked_status, '') = 'executed' AND coalesce(p.checked_day, $as_of_day + 1) <= $as_of_day)
  AND NOT (coalesce(p.status, '') = 'executed' AND p.executed_day IS NULL)
WITH p,
     CASE WHEN p.checked_day IS NULL OR coalesce(p.recommended_day, p.decided_day) <= p.checked_day
          THEN coalesce(p.recommended_day, p.decided_day, p.checked_day) ELSE p.checked_day END AS since_day
WHERE since_day <= $as_of_day AND $as_of_day - since_day >= $min_days
MATCH (p)-[:ENFORCED_BY]->(d:Department)
RETURN p.id AS src, 'Discipline' AS src_label, 'ENFORCED_BY' AS rel, d.id AS dst, 'Department' AS dst_label,
       p.name AS src_name, d.name AS dst_name
UNION ALL
MATCH (p:Discipline)
WHERE (p.executed_day IS NULL OR p.executed_day > $as_of_day)
  AND NOT (coalesce(p.checked_status, '') = 'executed' AND coalesce(p.checked_day, $as_of_day + 1) <= $as_of_day)
  AND NOT (coalesce(p.status, '') = 'executed' AND p.executed_day IS NULL)
WITH p,
     CASE WHEN p.checked_day IS NULL OR coalesce(p.recommended_day, p.decided_day) <= p.checked_day
          THEN coalesce(p.recommended_day, p.decided_day, p.checked_day) ELSE p.checked_day END AS since_day
WHERE since_day <= $as_of_day AND $as_of_day - since_day >= $min_days
MATCH (p)-[:AGAINST]->(e:Department)
RETURN p.id AS src, 'Discipline' AS src_label, 'AGAINST' AS rel, e.id AS dst, 'Department' AS dst_label,
       p.name AS src_name, e.name AS dst_name
UNION ALL
MATCH (p:Discipline)
WHERE (p.executed_day IS NULL OR p.executed_day > $as_of_day)
  AND NOT (coalesce(p.checked_status, '') = 'executed' AND coalesce(p.checked_day, $as_of_day + 1) <= $as_of_day)
  AND NOT (coalesce(p.status, '') = 'executed' AND p.executed_day IS NULL)
WITH p,
     CASE WHEN p.checked_day IS NULL OR coalesce(p.recommended_day, p.decided_day) <= p.checked_day
          THEN coalesce(p.recommended_day, p.decided_day, p.checked_day) ELSE p.checked_day END AS since_day
WHERE since_day <= $as_of_day AND $as_of_day - since_day >= $min_days
MATCH (p)-[:AGAINST]->(x:Person)
RETURN p.id AS src, 'Discipline' AS src_label, 'AGAINST' AS rel, x.id AS dst, 'Person' AS dst_label,
       p.name AS src_name, x.name AS dst_name
UNION ALL
MATCH (p:Discipline)
WHERE (p.executed_day IS NULL OR p.executed_day > $as_of_day)
  AND NOT (coalesce(p.checked_status, '') = 'executed' AND coalesce(p.checked_day, $as_of_day + 1) <= $as_of_day)
  AND NOT (coalesce(p.status, '') = 'executed' AND p.executed_day IS NULL)
WITH p,
     CASE WHEN p.checked_day IS NULL OR coalesce(p.recommended_day, p.decided_day) <= p.checked_day
          THEN coalesce(p.recommended_day, p.decided_day, p.checked_day) ELSE p.checked_day END AS since_day
WHERE since_day <= $as_of_day AND $as_of_day - since_day >= $min_days
MATCH (a:Accident)-[:INVESTIGATED_BY]->(i:Investigation)-[:RECOMMENDS]->(p)
RETURN i.id AS src, 'Investigation' AS src_label, 'RECOMMENDS' AS rel, p.id AS dst, 'Discipline' AS dst_label,
       i.name AS src_name, p.name AS dst_name
UNION ALL
MATCH (p:Discipline)
WHERE (p.executed_day IS NULL OR p.executed_day > $as_of_day)
  AND NOT (coalesce(p.checked_status, '') = 'executed' AND coalesce(p.checked_day, $as_of_day + 1) <= $as_of_day)
  AND NOT (coalesce(p.status, '') = 'executed' AND p.executed_day IS NULL)
WITH p,
     CASE WHEN p.checked_day IS NULL OR coalesce(p.recommended_day, p.decided_day) <= p.checked_day
          THEN coalesce(p.recommended_day, p.decided_day, p.checked_day) ELSE p.checked_day END AS since_day
WHERE since_day <= $as_of_day AND $as_of_day - since_day >= $min_days
MATCH (a:Accident)-[:INVESTIGATED_BY]->(i:Investigation)-[:RECOMMENDS]->(p)
RETURN a.id AS src, 'Accident' AS src_label, 'INVESTIGATED_BY' AS rel, i.id AS dst, 'Investigation' AS dst_label,
       a.name AS src_name, i.name AS dst_name

// ---- count
MATCH (p:Discipline)
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

// ---- total
MATCH (p:Discipline)
WHERE (p.executed_day IS NULL OR p.executed_day > $as_of_day)
  AND NOT (coalesce(p.checked_status, '') = 'executed' AND coalesce(p.checked_day, $as_of_day + 1) <= $as_of_day)
  AND NOT (coalesce(p.status, '') = 'executed' AND p.executed_day IS NULL)
WITH p,
     CASE WHEN p.checked_day IS NULL OR coalesce(p.recommended_day, p.decided_day) <= p.checked_day
          THEN coalesce(p.recommended_day, p.decided_day, p.checked_day) ELSE p.checked_day END AS since_day
WHERE since_day <= $as_of_day AND $as_of_day - since_day >= $min_days
RETURN count(p) AS total
