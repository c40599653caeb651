// id: resumed-before-rectified
// title_zh: 整改未验收即准许复产
// title_en: Resumption allowed before rectification was verified
// severity: high
// explains_zh: 每行是一项整改措施：截至基准日，责任单位在整改验收之前（或至今未验收）就被准许恢复生产经营，
//   或者核查明确认定“未整改即复产”（resumed_before_verified）。days_before_verification 为复产日到验收日
//   （未验收时到基准日）的天数。审计人员应核查是谁批准复产、依据是什么，整改是否在复产后补齐，
//   必要时责令停产整改并追究批准者责任。
// explains_en: Each row is a rectification measure whose responsible unit was allowed to resume production or
//   business before the measure was verified (or with no verification yet as of the reference date), or that a review
//   found resumed before verification (resumed_before_verified). days_before_verification counts from resumption to
//   verification (or to the reference date when not verified). Find out who approved the resumption and on what
//   grounds, whether the rectification was completed afterwards, and where needed order a halt and hold the approver
//   to account.
// param: as_of date today 基准日 / reference date (facts dated after it are ignored)
// row_key: measure_id
// order: days_before_verification desc nulls last, measure_id
// count_zh: x = 未验收即复产的措施；y = 截至基准日有复产记录（或复产核查）的措施
// count_en: x = measures resumed before verification; y = measures with a resumption (or a check of one) by the reference date
// total: x
// (x counts the measures the rows list, one row each: each has its resumption or its check by the
// reference date, so it is among the y)
MATCH (m:Measure)
WHERE (m.resumed_day <= $as_of_day
       AND (m.verified_day IS NULL OR m.verified_day > m.resumed_day)
       AND coalesce(m.resumed_before_verified, true) = true)
   OR (m.resumed_before_verified = true AND coalesce(m.resumed_day, m.checked_day) <= $as_of_day)
// For a page, the `// page` lines page here, in the rows' order (the `order:` header), so only the page
// is enriched below, and look its measures up again by key (see unexecuted-penalties); for every row the
// runner drops them.
WITH m, CASE WHEN m.resumed_day <= $as_of_day  // page
            THEN CASE WHEN m.verified_day <= $as_of_day THEN m.verified_day ELSE $as_of_day END - m.resumed_day  // page
       END AS gap  // page
WITH m, CASE WHEN gap IS NULL THEN 1 ELSE 0 END AS undated, coalesce(gap, 0) AS gap_key  // page
WITH m, undated, gap_key ORDER BY undated, gap_key DESC, m.id SKIP $page_offset LIMIT $page_limit  // page
UNWIND [m.id] AS page_id  // page
WITH page_id  // page
MATCH (m:Measure {id: page_id})  // page
OPTIONAL MATCH (a:Accident)-[:INVESTIGATED_BY]->(:Investigation)-[:RECOMMENDS]->(m)
OPTIONAL MATCH (m)-[:ASSIGNED_TO]->(t)
WITH m, collect(DISTINCT a.name) AS accidents, collect(DISTINCT t.name) AS assignees
RETURN m.id AS measure_id,
       m.name AS measure,
       assignees AS assigned_to,
       accidents AS accident,
       CASE WHEN m.resumed_day <= $as_of_day THEN m.resumed_date END AS resumed_date,
       CASE WHEN m.verified_day <= $as_of_day THEN m.verified_date END AS verified_date,
       CASE WHEN m.resumed_day <= $as_of_day
            THEN CASE WHEN m.verified_day <= $as_of_day THEN m.verified_day ELSE $as_of_day END - m.resumed_day
       END AS days_before_verification,
       CASE WHEN m.checked_day <= $as_of_day THEN m.checked_status END AS checked_status,
       CASE WHEN m.checked_day <= $as_of_day THEN m.checked_date END AS checked_date
ORDER BY coalesce(days_before_verification, -1) DESC, measure_id

// ---- subgraph
MATCH (m:Measure)
WHERE (m.resumed_day <= $as_of_day
       AND (m.verified_day IS NULL OR m.verified_day > m.resumed_day)
       AND coalesce(m.resumed_before_verified, true) = true)
   OR (m.resumed_before_verified = true AND coalesce(m.resumed_day, m.checked_day) <= $as_of_day)
MATCH (m)-[:ASSIGNED_TO]->(e:Enterprise)
RETURN m.id AS src, 'Measure' AS src_label, 'ASSIGNED_TO' AS rel, e.id AS dst, 'Enterprise' AS dst_label,
       m.name AS src_name, e.name AS dst_name
UNION ALL
MATCH (m:Measure)
WHERE (m.resumed_day <= $as_of_day
       AND (m.verified_day IS NULL OR m.verified_day > m.resumed_day)
       AND coalesce(m.resumed_before_verified, true) = true)
   OR (m.resumed_before_verified = true AND coalesce(m.resumed_day, m.checked_day) <= $as_of_day)
MATCH (m)-[:ASSIGNED_TO]->(d:Department)
RETURN m.id AS src, 'Measure' AS src_label, 'ASSIGNED_TO' AS rel, d.id AS dst, 'Department' AS dst_label,
       m.name AS src_name, d.name AS dst_name
UNION ALL
MATCH (m:Measure)
WHERE (m.resumed_day <= $as_of_day
       AND (m.verified_day IS NULL OR m.verified_day > m.resumed_day)
       AND coalesce(m.resumed_before_verified, true) = true)
   OR (m.resumed_before_verified = true AND coalesce(m.resumed_day, m.checked_day) <= $as_of_day)
MATCH (a:Accident)-[:INVESTIGATED_BY]->(i:Investigation)-[:RECOMMENDS]->(m)
UNWIND [0, 1] AS part
RETURN CASE part WHEN 0 THEN i.id ELSE a.id END AS src,
       CASE part WHEN 0 THEN 'Investigation' ELSE 'Accident' END AS src_label,
       CASE part WHEN 0 THEN 'RECOMMENDS' ELSE 'INVESTIGATED_BY' END AS rel,
       CASE part WHEN 0 THEN m.id ELSE i.id END AS dst,
       CASE part WHEN 0 THEN 'Measure' ELSE 'Investigation' END AS dst_label,
       CASE part WHEN 0 THEN i.name ELSE a.name END AS src_name,
       CASE part WHEN 0 THEN m.name ELSE i.name END AS dst_name

// ---- count
MATCH (m:Measure)
WHERE m.resumed_day <= $as_of_day OR (m.resumed_before_verified = true AND m.checked_day <= $as_of_day)
WITH m,
     (m.resumed_day <= $as_of_day
      AND (m.verified_day IS NULL OR m.verified_day > m.resumed_day)
      AND coalesce(m.resumed_before_verified, true) = true)
     OR (m.resumed_before_verified = true AND coalesce(m.resumed_day, m.checked_day) <= $as_of_day) AS early
RETURN sum(CASE WHEN early THEN 1 ELSE 0 END) AS x, count(m) AS y
