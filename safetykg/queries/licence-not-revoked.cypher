// id: licence-not-revoked
// title_zh: 吊销许可证照建议未落实
// title_en: Licence or qualification revocations not carried out
// severity: high
// explains_zh: 每行是一项吊销安全生产许可证、资质证书或营业执照的处罚：截至基准日已被建议、决定或经核查，
//   但没有执行（吊销）记录，或核查结论为未执行、无法执行。事故单位仍持证意味着仍可能合法生产。
//   审计人员应核查发证机关是否已作出吊销决定并公告，证照是否已收回或注销，企业是否仍在生产经营。
// explains_en: Each row is a penalty revoking a work-safety licence, a qualification certificate or a business
//   licence that, as of the reference date, had been recommended, decided or checked but was not carried out
//   (no execution on record, or checked as not executed / unenforceable). While the licence stands the company can
//   still operate lawfully. Check with the issuing authority that the revocation was decided and published, that
//   the certificate was withdrawn or cancelled, and whether the company is still operating.
// param: as_of date today 基准日 / reference date (facts dated after it are ignored)
// row_key: penalty_id
// count_zh: x = 未落实的吊销处罚数；y = 截至基准日有日期记录的吊销处罚总数
// count_en: x = revocations not carried out; y = revocations with any dated fact by the reference date
// total: x
// (x counts the revocations the rows list, by the same conditions: one row each)
MATCH (p:Penalty)
WHERE p.kind IN ['吊销安全生产许可证', '吊销资质证书', '吊销营业执照']
  AND (p.executed_day IS NULL OR p.executed_day > $as_of_day)
  AND NOT (coalesce(p.checked_status, '') = 'executed' AND coalesce(p.checked_day, $as_of_day + 1) <= $as_of_day)
  AND NOT (coalesce(p.status, '') = 'executed' AND p.executed_day IS NULL)
WITH p,
     CASE WHEN p.checked_day IS NULL OR coalesce(p.recommended_day, p.decided_day) <= p.checked_day
          THEN coalesce(p.recommended_day, p.decided_day, p.checked_day) ELSE p.checked_day END AS since_day
WHERE since_day <= $as_of_day
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
MATCH (p:Penalty)
WHERE p.kind IN ['吊销安全生产许可证', '吊销资质证书', '吊销营业执照']
  AND (p.executed_day IS NULL OR p.executed_day > $as_of_day)
  AND NOT (coalesce(p.checked_status, '') = 'executed' AND coalesce(p.checked_day, $as_of_day + 1) <= $as_of_day)
  AND NOT (coalesce(p.status, '') = 'executed' AND p.executed_day IS NULL)
WITH p,
     CASE WHEN p.checked_day IS NULL OR coalesce(p.recommended_day, p.decided_day) <= p.checked_day
          THEN coalesce(p.recommended_day, p.decided_day, p.checked_day) ELSE p.checked_day END AS since_day
WHERE since_day <= $as_of_day
MATCH (p)-[:ENFORCED_BY]->(d:Department)
RETURN p.id AS src, 'Penalty' AS src_label, 'ENFORCED_BY' AS rel, d.id AS dst, 'Department' AS dst_label,
       p.name AS src_name, d.name AS dst_name
UNION ALL
MATCH (p:Penalty)
WHERE p.kind IN ['吊销安全生产许可证', '吊销资质证书', '吊销营业执照']
  AND (p.executed_day IS NULL OR p.executed_day > $as_of_day)
  AND NOT (coalesce(p.checked_status, '') = 'executed' AND coalesce(p.checked_day, $as_of_day + 1) <= $as_of_day)
  AND NOT (coalesce(p.status, '') = 'executed' AND p.executed_day IS NULL)
WITH p,
     CASE WHEN p.checked_day IS NULL OR coalesce(p.recommended_day, p.decided_day) <= p.checked_day
          THEN coalesce(p.recommended_day, p.decided_day, p.checked_day) ELSE p.checked_day END AS since_day
WHERE since_day <= $as_of_day
MATCH (p)-[:AGAINST]->(e:Enterprise)
RETURN p.id AS src, 'Penalty' AS src_label, 'AGAINST' AS rel, e.id AS dst, 'Enterprise' AS dst_label,
       p.name AS src_name, e.name AS dst_name
UNION ALL
MATCH (p:Penalty)
WHERE p.kind IN ['吊销安全生产许可证', '吊销资质证书', '吊销营业执照']
  AND (p.executed_day IS NULL OR p.executed_day > $as_of_day)
  AND NOT (coalesce(p.checked_status, '') = 'executed' AND coalesce(p.checked_day, $as_of_day + 1) <= $as_of_day)
  AND NOT (coalesce(p.status, '') = 'executed' AND p.executed_day IS NULL)
WITH p,
     CASE WHEN p.checked_day IS NULL OR coalesce(p.recommended_day, p.decided_day) <= p.checked_day
          THEN coalesce(p.recommended_day, p.decided_day, p.checked_day) ELSE p.checked_day END AS since_day
WHERE since_day <= $as_of_day
MATCH (p)-[:AGAINST]->(x:Person)
RETURN p.id AS src, 'Penalty' AS src_label, 'AGAINST' AS rel, x.id AS dst, 'Person' AS dst_label,
       p.name AS src_name, x.name AS dst_name
UNION ALL
MATCH (p:Penalty)
WHERE p.kind IN ['吊销安全生产许可证', '吊销资质证书', '吊销营业执照']
  AND (p.executed_day IS NULL OR p.executed_day > $as_of_day)
  AND NOT (coalesce(p.checked_status, '') = 'executed' AND coalesce(p.checked_day, $as_of_day + 1) <= $as_of_day)
  AND NOT (coalesce(p.status, '') = 'executed' AND p.executed_day IS NULL)
WITH p,
     CASE WHEN p.checked_day IS NULL OR coalesce(p.recommended_day, p.decided_day) <= p.checked_day
          THEN coalesce(p.recommended_day, p.decided_day, p.checked_day) ELSE p.checked_day END AS since_day
WHERE since_day <= $as_of_day
MATCH (a:Accident)-[:INVESTIGATED_BY]->(i:Investigation)-[:RECOMMENDS]->(p)
RETURN i.id AS src, 'Investigation' AS src_label, 'RECOMMENDS' AS rel, p.id AS dst, 'Penalty' AS dst_label,
       i.name AS src_name, p.name AS dst_name
UNION ALL
MATCH (p:Penalty)
WHERE p.kind IN ['吊销安全生产许可证', '吊销资质证书', '吊销营业执照']
  AND (p.executed_day IS NULL OR p.executed_day > $as_of_day)
  AND NOT (coalesce(p.checked_status, '') = 'executed' AND coalesce(p.checked_day, $as_of_day + 1) <= $as_of_day)
  AND NOT (coalesce(p.status, '') = 'executed' AND p.executed_day IS NULL)
WITH p,
     CASE WHEN p.checked_day IS NULL OR coalesce(p.recommended_day, p.decided_day) <= p.checked_day
          THEN coalesce(p.recommended_day, p.decided_day, p.checked_day) ELSE p.checked_day END AS since_day
WHERE since_day <= $as_of_day
MATCH (a:Accident)-[:INVESTIGATED_BY]->(i:Investigation)-[:RECOMMENDS]->(p)
RETURN a.id AS src, 'Accident' AS src_label, 'INVESTIGATED_BY' AS rel, i.id AS dst, 'Investigation' AS dst_label,
       a.name AS src_name, i.name AS dst_name

// ---- count
MATCH (p:Penalty)
WITH p,
     CASE WHEN p.checked_day IS NULL OR coalesce(p.recommended_day, p.decided_day) <= p.checked_day
          THEN coalesce(p.recommended_day, p.decided_day, p.checked_day) ELSE p.checked_day END AS since_day
WHERE p.kind IN ['吊销安全生产许可证', '吊销资质证书', '吊销营业执照']
  AND (since_day <= $as_of_day OR p.executed_day <= $as_of_day)
WITH p, since_day,
     (p.executed_day IS NULL OR p.executed_day > $as_of_day)
     AND NOT (coalesce(p.checked_status, '') = 'executed' AND coalesce(p.checked_day, $as_of_day + 1) <= $as_of_day)
     AND NOT (coalesce(p.status, '') = 'executed' AND p.executed_day IS NULL) AS not_executed
RETURN sum(CASE WHEN not_executed AND since_day <= $as_of_day THEN 1 ELSE 0 END) AS x,
       count(p) AS y
