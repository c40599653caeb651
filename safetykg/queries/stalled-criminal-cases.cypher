// id: stalled-criminal-cases
// title_zh: 刑事追责停滞
// title_en: Stalled criminal cases
// severity: high
// explains_zh: 每行是一起由事故引发的刑事案件：截至基准日尚未一审判决，且最后一个已知诉讼阶段（立案、刑拘、逮捕、起诉）
//   的日期——没有阶段日期时取事故发生日——距基准日已超过 years 年（按每年365天计）；或者核查结论为“停滞”且核查日期不晚于基准日。
//   days_without_progress 为自最后进展以来的天数。审计人员应向公安、检察、审判机关了解案件卡在哪一环节
//   （抓了诉不出、诉了判不下），推动政法机关会商。已判决、终审或不起诉的案件（含记录了阶段但未记日期的）视为已有结论，不列出。
// explains_en: Each row is a criminal case arising from an accident that, as of the reference date, had no
//   first-instance judgment and whose last known stage (filed, detained, arrested, prosecuted) — or, with no stage
//   date, the accident itself — is more than `years` years (365 days each) old; or that a review checked as stalled on
//   or before the reference date. days_without_progress counts days since the last progress. Ask police,
//   procuratorate and court where the case is stuck (arrested but not prosecuted, prosecuted but not judged) and
//   press for a joint consultation. Cases judged, final or not prosecuted (also when that stage is recorded without
//   a date) count as concluded and are not listed.
// param: as_of date today 基准日 / reference date (facts dated after it are ignored)
// param: years int 2 停滞年限 / years without progress before a case counts as stalled
// row_key: case_id, accident_id
// order: days_without_progress desc nulls last, case_id, accident_id
// count_zh: x = 停滞的案件（按案件-事故计）；y = 截至基准日已知的案件（按案件-事故计）
// count_en: x = stalled cases (per case and accident); y = cases known by the reference date
MATCH (c:CriminalCase)
OPTIONAL MATCH (a:Accident)-[:LED_TO]->(c)
WITH c, a,
     CASE WHEN c.prosecuted_day <= $as_of_day THEN c.prosecuted_day
          WHEN c.arrested_day <= $as_of_day THEN c.arrested_day
          WHEN c.detained_day <= $as_of_day THEN c.detained_day
          WHEN c.filed_day <= $as_of_day THEN c.filed_day END AS stage_day,
     CASE WHEN c.prosecuted_day <= $as_of_day THEN 'prosecuted'
          WHEN c.arrested_day <= $as_of_day THEN 'arrested'
          WHEN c.detained_day <= $as_of_day THEN 'detained'
          WHEN c.filed_day <= $as_of_day THEN 'filed' END AS stage_as_of,
     CASE WHEN c.prosecuted_day <= $as_of_day THEN c.prosecuted_date
          WHEN c.arrested_day <= $as_of_day THEN c.arrested_date
          WHEN c.detained_day <= $as_of_day THEN c.detained_date
          WHEN c.filed_day <= $as_of_day THEN c.filed_date END AS stage_date
WITH c, a, stage_as_of,
     coalesce(stage_day, CASE WHEN a.day <= $as_of_day THEN a.day END) AS last_day,
     coalesce(stage_date, CASE WHEN a.day <= $as_of_day THEN a.date END) AS last_date,
     coalesce(c.checked_status, '') = 'stalled' AND coalesce(c.checked_day, $as_of_day + 1) <= $as_of_day AS checked_stalled
WHERE NOT coalesce(c.judged_day <= $as_of_day OR c.final_day <= $as_of_day, false)
  AND NOT (coalesce(c.stage, '') IN ['judged', 'final', 'not_prosecuted'] AND c.judged_day IS NULL AND c.final_day IS NULL)
  AND NOT (coalesce(c.checked_status, '') = 'judged' AND coalesce(c.checked_day, $as_of_day + 1) <= $as_of_day)
  AND ((last_day IS NOT NULL AND $as_of_day - last_day > 365 * $years) OR checked_stalled)
OPTIONAL MATCH (c)-[:HANDLED_BY]->(h:Department)
WITH c, a, stage_as_of, last_day, last_date, checked_stalled, collect(DISTINCT h.name) AS handlers
RETURN c.id AS case_id,
       c.name AS case_name,
       a.id AS accident_id,
       a.name AS accident,
       a.date AS accident_date,
       coalesce(stage_as_of, c.stage) AS stage,
       last_date AS last_progress_date,
       $as_of_day - last_day AS days_without_progress,
       CASE WHEN checked_stalled THEN 'stalled' END AS checked_status,
       CASE WHEN checked_stalled THEN c.checked_date END AS checked_date,
       c.defendants_count AS defendants,
       handlers AS handled_by
ORDER BY coalesce(days_without_progress, -1) DESC, case_id, accident_id

// ---- subgraph
MATCH (c:CriminalCase)
OPTIONAL MATCH (a:Accident)-[:LED_TO]->(c)
WITH c, a,
     CASE WHEN c.prosecuted_day <= $as_of_day THEN c.prosecuted_day
          WHEN c.arrested_day <= $as_of_day THEN c.arrested_day
          WHEN c.detained_day <= $as_of_day THEN c.detained_day
          WHEN c.filed_day <= $as_of_day THEN c.filed_day END AS stage_day
WITH c, a, coalesce(stage_day, CASE WHEN a.day <= $as_of_day THEN a.day END) AS last_day,
     coalesce(c.checked_status, '') = 'stalled' AND coalesce(c.checked_day, $as_of_day + 1) <= $as_of_day AS checked_stalled
WHERE NOT coalesce(c.judged_day <= $as_of_day OR c.final_day <= $as_of_day, false)
  AND NOT (coalesce(c.stage, '') IN ['judged', 'final', 'not_prosecuted'] AND c.judged_day IS NULL AND c.final_day IS NULL)
  AND NOT (coalesce(c.checked_status, '') = 'judged' AND coalesce(c.checked_day, $as_of_day + 1) <= $as_of_day)
  AND ((last_day IS NOT NULL AND $as_of_day - last_day > 365 * $years) OR checked_stalled)
  AND a IS NOT NULL
RETURN a.id AS src, 'Accident' AS src_label, 'LED_TO' AS rel, c.id AS dst, 'CriminalCase' AS dst_label,
       a.name AS src_name, c.name AS dst_name
UNION ALL
MATCH (c:CriminalCase)
OPTIONAL MATCH (a:Accident)-[:LED_TO]->(c)
WITH c, a,
     CASE WHEN c.prosecuted_day <= $as_of_day THEN c.prosecuted_day
          WHEN c.arrested_day <= $as_of_day THEN c.arrested_day
          WHEN c.detained_day <= $as_of_day THEN c.detained_day
          WHEN c.filed_day <= $as_of_day THEN c.filed_day END AS stage_day
WITH c, a, coalesce(stage_day, CASE WHEN a.day <= $as_of_day THEN a.day END) AS last_day,
     coalesce(c.checked_status, '') = 'stalled' AND coalesce(c.checked_day, $as_of_day + 1) <= $as_of_day AS checked_stalled
WHERE NOT coalesce(c.judged_day <= $as_of_day OR c.final_day <= $as_of_day, false)
  AND NOT (coalesce(c.stage, '') IN ['judged', 'final', 'not_prosecuted'] AND c.judged_day IS NULL AND c.final_day IS NULL)
  AND NOT (coalesce(c.checked_status, '') = 'judged' AND coalesce(c.checked_day, $as_of_day + 1) <= $as_of_day)
  AND ((last_day IS NOT NULL AND $as_of_day - last_day > 365 * $years) OR checked_stalled)
MATCH (c)-[:HANDLED_BY]->(h:Department)
RETURN c.id AS src, 'CriminalCase' AS src_label, 'HANDLED_BY' AS rel, h.id AS dst, 'Department' AS dst_label,
       c.name AS src_name, h.name AS dst_name
UNION ALL
MATCH (c:CriminalCase)
OPTIONAL MATCH (a:Accident)-[:LED_TO]->(c)
WITH c, a,
     CASE WHEN c.prosecuted_day <= $as_of_day THEN c.prosecuted_day
          WHEN c.arrested_day <= $as_of_day THEN c.arrested_day
          WHEN c.detained_day <= $as_of_day THEN c.detained_day
          WHEN c.filed_day <= $as_of_day THEN c.filed_day END AS stage_day
WITH c, a, coalesce(stage_day, CASE WHEN a.day <= $as_of_day THEN a.day END) AS last_day,
     coalesce(c.checked_status, '') = 'stalled' AND coalesce(c.checked_day, $as_of_day + 1) <= $as_of_day AS checked_stalled
WHERE NOT coalesce(c.judged_day <= $as_of_day OR c.final_day <= $as_of_day, false)
  AND NOT (coalesce(c.stage, '') IN ['judged', 'final', 'not_prosecuted'] AND c.judged_day IS NULL AND c.final_day IS NULL)
  AND NOT (coalesce(c.checked_status, '') = 'judged' AND coalesce(c.checked_day, $as_of_day + 1) <= $as_of_day)
  AND ((last_day IS NOT NULL AND $as_of_day - last_day > 365 * $years) OR checked_stalled)
MATCH (x:Person)-[:DEFENDANT_IN]->(c)
RETURN x.id AS src, 'Person' AS src_label, 'DEFENDANT_IN' AS rel, c.id AS dst, 'CriminalCase' AS dst_label,
       x.name AS src_name, c.name AS dst_name

// ---- count
MATCH (c:CriminalCase)
OPTIONAL MATCH (a:Accident)-[:LED_TO]->(c)
WITH c, a,
     CASE WHEN c.prosecuted_day <= $as_of_day THEN c.prosecuted_day
          WHEN c.arrested_day <= $as_of_day THEN c.arrested_day
          WHEN c.detained_day <= $as_of_day THEN c.detained_day
          WHEN c.filed_day <= $as_of_day THEN c.filed_day END AS stage_day
WITH c, a, coalesce(stage_day, CASE WHEN a.day <= $as_of_day THEN a.day END) AS last_day,
     coalesce(c.checked_status, '') = 'stalled' AND coalesce(c.checked_day, $as_of_day + 1) <= $as_of_day AS checked_stalled
WHERE last_day IS NOT NULL OR checked_stalled OR c.judged_day <= $as_of_day OR c.final_day <= $as_of_day
WITH c, a, last_day, checked_stalled,
     NOT coalesce(c.judged_day <= $as_of_day OR c.final_day <= $as_of_day, false)
     AND NOT (coalesce(c.stage, '') IN ['judged', 'final', 'not_prosecuted'] AND c.judged_day IS NULL AND c.final_day IS NULL)
     AND NOT (coalesce(c.checked_status, '') = 'judged' AND coalesce(c.checked_day, $as_of_day + 1) <= $as_of_day)
     AND ((last_day IS NOT NULL AND $as_of_day - last_day > 365 * $years) OR checked_stalled) AS stalled
RETURN sum(CASE WHEN stalled THEN 1 ELSE 0 END) AS x, count(*) AS y
