// id: rectification-overdue
// title_zh: 整改措施逾期未验收
// title_en: Rectification measures overdue and not verified
// severity: medium
// explains_zh: 每行是一项事故整改措施：截至基准日已过整改期限却没有验收记录（days_overdue 为逾期天数），
//   或者核查结论为“未落实”且核查日期不晚于基准日（此时可能没有期限，days_overdue 为空）。
//   审计人员应要求责任单位说明进度并提供整改证明材料，必要时组织现场复核；记录了“已验收”状态但未记日期的措施视为已验收。
// explains_en: Each row is a rectification measure that, as of the reference date, was past its due date with no
//   verification on record (days_overdue counts the days), or that a review checked as not done on or before the
//   reference date (then there may be no due date and days_overdue is empty). Ask the responsible unit for progress
//   and evidence, and re-inspect on site where needed. A measure whose status is 'verified' without a date counts as
//   verified.
// param: as_of date today 基准日 / reference date (facts dated after it are ignored)
// row_key: measure_id
// order: days_overdue desc nulls last, measure_id
// count_zh: x = 逾期未验收的整改措施；y = 截至基准日有日期记录的整改措施
// count_en: x = overdue measures; y = measures with any dated fact by the reference date
// total: x
// (x counts the overdue measures the rows list, one row each: an overdue measure has a dated fact by the
// reference date, its due day or its check, so it is among the y)
MATCH (m:Measure)
WHERE (m.verified_day IS NULL OR m.verified_day > $as_of_day)
  AND NOT (coalesce(m.checked_status, '') = 'verified' AND coalesce(m.checked_day, $as_of_day + 1) <= $as_of_day)
  AND NOT (coalesce(m.status, '') = 'verified' AND m.verified_day IS NULL)
  AND (m.due_day < $as_of_day
       OR (coalesce(m.checked_status, '') = 'not_done' AND coalesce(m.checked_day, $as_of_day + 1) <= $as_of_day))
// For a page, the `// page` lines page here, in the rows' order (the `order:` header), so only the page
// is enriched below, and look its measures up again by key (see unexecuted-penalties); for every row the
// runner drops them.
// days_overdue is at least 1 when known, so -1 puts the undated last in a descending order.
WITH m, CASE WHEN m.due_day < $as_of_day THEN $as_of_day - m.due_day ELSE -1 END AS overdue_key  // page
WITH m, overdue_key ORDER BY overdue_key DESC, m.id SKIP $page_offset LIMIT $page_limit  // page
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
       CASE WHEN m.ordered_day <= $as_of_day THEN m.ordered_date END AS ordered_date,
       m.due_date AS due_date,
       CASE WHEN m.due_day < $as_of_day THEN $as_of_day - m.due_day END AS days_overdue,
       CASE WHEN m.checked_day <= $as_of_day THEN m.checked_status END AS checked_status,
       CASE WHEN m.checked_day <= $as_of_day THEN m.checked_date END AS checked_date
ORDER BY coalesce(days_overdue, -1) DESC, measure_id

// ---- subgraph
MATCH (m:Measure)
WHERE (m.verified_day IS NULL OR m.verified_day > $as_of_day)
  AND NOT (coalesce(m.checked_status, '') = 'verified' AND coalesce(m.checked_day, $as_of_day + 1) <= $as_of_day)
  AND NOT (coalesce(m.status, '') = 'verified' AND m.verified_day IS NULL)
  AND (m.due_day < $as_of_day
       OR (coalesce(m.checked_status, '') = 'not_done' AND coalesce(m.checked_day, $as_of_day + 1) <= $as_of_day))
MATCH (m)-[:ASSIGNED_TO]->(d:Department)
RETURN m.id AS src, 'Measure' AS src_label, 'ASSIGNED_TO' AS rel, d.id AS dst, 'Department' AS dst_label,
       m.name AS src_name, d.name AS dst_name
UNION ALL
MATCH (m:Measure)
WHERE (m.verified_day IS NULL OR m.verified_day > $as_of_day)
  AND NOT (coalesce(m.checked_status, '') = 'verified' AND coalesce(m.checked_day, $as_of_day + 1) <= $as_of_day)
  AND NOT (coalesce(m.status, '') = 'verified' AND m.verified_day IS NULL)
  AND (m.due_day < $as_of_day
       OR (coalesce(m.checked_status, '') = 'not_done' AND coalesce(m.checked_day, $as_of_day + 1) <= $as_of_day))
MATCH (m)-[:ASSIGNED_TO]->(e:Enterprise)
RETURN m.id AS src, 'Measure' AS src_label, 'ASSIGNED_TO' AS rel, e.id AS dst, 'Enterprise' AS dst_label,
       m.name AS src_name, e.name AS dst_name
UNION ALL
MATCH (m:Measure)
WHERE (m.verified_day IS NULL OR m.verified_day > $as_of_day)
  AND NOT (coalesce(m.checked_status, '') = 'verified' AND coalesce(m.checked_day, $as_of_day + 1) <= $as_of_day)
  AND NOT (coalesce(m.status, '') = 'verified' AND m.verified_day IS NULL)
  AND (m.due_day < $as_of_day
       OR (coalesce(m.checked_status, '') = 'not_done' AND coalesce(m.checked_day, $as_of_day + 1) <= $as_of_day))
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
WHERE m.ordered_day <= $as_of_day OR m.due_day <= $as_of_day OR m.verified_day <= $as_of_day
   OR m.checked_day <= $as_of_day OR m.resumed_day <= $as_of_day
WITH m,
     (m.verified_day IS NULL OR m.verified_day > $as_of_day)
     AND NOT (coalesce(m.checked_status, '') = 'verified' AND coalesce(m.checked_day, $as_of_day + 1) <= $as_of_day)
     AND NOT (coalesce(m.status, '') = 'verified' AND m.verified_day IS NULL)
     AND (m.due_day < $as_of_day
          OR (coalesce(m.checked_status, '') = 'not_done' AND coalesce(m.checked_day, $as_of_day + 1) <= $as_of_day))
     AS overdue
RETURN sum(CASE WHEN overdue THEN 1 ELSE 0 END) AS x, count(m) AS y
