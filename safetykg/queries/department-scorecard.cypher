// id: department-scorecard
// title_zh: 部门追责事项记分卡
// title_en: Department scorecard of open accountability items
// severity: low
// explains_zh: 每行是一个部门（含所在省份）：截至基准日由它执行的行政处罚和处分、分派给它的整改措施、
//   由它办理的刑事案件中，仍未办结的数量与总数（x / y 即 open / total）。只计截至基准日已有日期记录的事项；
//   “未办结”与各专项审计口径一致（处罚、处分未执行，整改未验收，刑事案件未判决）。
//   审计人员可据此确定重点约谈、督办的部门，再用专项审计查看具体事项。同一事项分派给多个部门时各计一次。
// explains_en: Each row is a department (with its province): of the penalties and sanctions it enforces, the
//   rectification measures assigned to it and the criminal cases it handles, how many were still open as of the
//   reference date and how many there were (open / total). Only items with a dated fact on or before the reference
//   date count; "open" follows the specific audits (penalty or sanction not executed, measure not verified, case not
//   judged). Use it to pick departments for follow-up, then open the specific audits for the items. An item assigned
//   to several departments counts once for each.
// param: as_of date today 基准日 / reference date (facts dated after it are ignored)
// row_key: department_id
// count_zh: x = 各部门未办结事项合计；y = 各部门事项合计
// count_en: x = open items over all departments; y = all items over all departments
// count_sums: open_items, items
// The count is the rows' open_items and items summed, and the total is the number of rows: the rows are one per
// department, fetched whole and paged by the runner. A count section and a total section each ran another pass over
// every item (1M accidents: 1.4 s and 1.0 s beside the rows' 2.2 s).
MATCH (d:Department)
OPTIONAL MATCH (d)-[:IN_REGION]->(:Region)-[:PART_OF*0..2]->(prov:Region {level: 'province'})
WITH d, prov
OPTIONAL MATCH (p:Penalty)-[:ENFORCED_BY]->(d)
WITH d, prov, p.executed_day AS p_executed_day, p.checked_day AS p_checked_day, p.checked_status AS p_checked_status, p.status AS p_status,
     CASE WHEN p.checked_day IS NULL OR coalesce(p.recommended_day, p.decided_day) <= p.checked_day
          THEN coalesce(p.recommended_day, p.decided_day, p.checked_day) ELSE p.checked_day END AS since_day
WITH d, prov,
     sum(CASE WHEN since_day <= $as_of_day OR p_executed_day <= $as_of_day THEN 1 ELSE 0 END) AS penalties,
     sum(CASE WHEN since_day <= $as_of_day
               AND (p_executed_day IS NULL OR p_executed_day > $as_of_day)
               AND NOT (coalesce(p_checked_status, '') = 'executed' AND coalesce(p_checked_day, $as_of_day + 1) <= $as_of_day)
               AND NOT (coalesce(p_status, '') = 'executed' AND p_executed_day IS NULL)
              THEN 1 ELSE 0 END) AS penalties_open
OPTIONAL MATCH (x:Discipline)-[:ENFORCED_BY]->(d)
WITH d, prov, penalties, penalties_open, x.executed_day AS x_executed_day, x.checked_day AS x_checked_day, x.checked_status AS x_checked_status, x.status AS x_status,
     CASE WHEN x.checked_day IS NULL OR coalesce(x.recommended_day, x.decided_day) <= x.checked_day
          THEN coalesce(x.recommended_day, x.decided_day, x.checked_day) ELSE x.checked_day END AS since_day
WITH d, prov, penalties, penalties_open,
     sum(CASE WHEN since_day <= $as_of_day OR x_executed_day <= $as_of_day THEN 1 ELSE 0 END) AS disciplines,
     sum(CASE WHEN since_day <= $as_of_day
               AND (x_executed_day IS NULL OR x_executed_day > $as_of_day)
               AND NOT (coalesce(x_checked_status, '') = 'executed' AND coalesce(x_checked_day, $as_of_day + 1) <= $as_of_day)
               AND NOT (coalesce(x_status, '') = 'executed' AND x_executed_day IS NULL)
              THEN 1 ELSE 0 END) AS disciplines_open
OPTIONAL MATCH (m:Measure)-[:ASSIGNED_TO]->(d)
WITH d, prov, penalties, penalties_open, disciplines, disciplines_open, m.verified_day AS m_verified_day, m.checked_day AS m_checked_day, m.checked_status AS m_checked_status, m.status AS m_status,
     coalesce(m.ordered_day <= $as_of_day OR m.due_day <= $as_of_day OR m.verified_day <= $as_of_day OR m.checked_day <= $as_of_day
              OR m.resumed_day <= $as_of_day, false) AS known
WITH d, prov, penalties, penalties_open, disciplines, disciplines_open,
     sum(CASE WHEN known THEN 1 ELSE 0 END) AS measures,
     sum(CASE WHEN known
               AND (m_verified_day IS NULL OR m_verified_day > $as_of_day)
               AND NOT (coalesce(m_checked_status, '') = 'verified' AND coalesce(m_checked_day, $as_of_day + 1) <= $as_of_day)
               AND NOT (coalesce(m_status, '') = 'verified' AND m_verified_day IS NULL)
              THEN 1 ELSE 0 END) AS measures_open
OPTIONAL MATCH (c:CriminalCase)-[:HANDLED_BY]->(d)
OPTIONAL MATCH (a:Accident)-[:LED_TO]->(c)
WITH d, prov, penalties, penalties_open, disciplines, disciplines_open, measures, measures_open, c,
     min(a.day) AS accident_day
WITH d, prov, penalties, penalties_open, disciplines, disciplines_open, measures, measures_open, c,
     coalesce(accident_day <= $as_of_day OR c.filed_day <= $as_of_day OR c.detained_day <= $as_of_day OR c.arrested_day <= $as_of_day
              OR c.prosecuted_day <= $as_of_day OR c.judged_day <= $as_of_day OR c.final_day <= $as_of_day OR c.checked_day <= $as_of_day,
              false) AS known
WITH d, prov, penalties, penalties_open, disciplines, disciplines_open, measures, measures_open,
     sum(CASE WHEN known THEN 1 ELSE 0 END) AS criminal_cases,
     sum(CASE WHEN known
               AND NOT coalesce(c.judged_day <= $as_of_day OR c.final_day <= $as_of_day, false)
               AND NOT (coalesce(c.stage, '') IN ['judged', 'final', 'not_prosecuted']
                        AND c.judged_day IS NULL AND c.final_day IS NULL)
               AND NOT (coalesce(c.checked_status, '') = 'judged' AND coalesce(c.checked_day, $as_of_day + 1) <= $as_of_day)
              THEN 1 ELSE 0 END) AS criminal_cases_open
WITH d, prov, penalties, penalties_open, disciplines, disciplines_open, measures, measures_open,
     criminal_cases, criminal_cases_open,
     penalties_open + disciplines_open + measures_open + criminal_cases_open AS open_items,
     penalties + disciplines + measures + criminal_cases AS items
WHERE items > 0
RETURN d.id AS department_id,
       d.name AS department,
       d.level AS level,
       prov.name AS province,
       penalties_open AS penalties_open,
       penalties AS penalties,
       disciplines_open AS disciplines_open,
       disciplines AS disciplines,
       measures_open AS measures_open,
       measures AS measures,
       criminal_cases_open AS criminal_cases_open,
       criminal_cases AS criminal_cases,
       open_items AS open_items,
       items AS items
ORDER BY open_items DESC, items DESC, department_id
