// id: short-interval-relapse
// title_zh: 同省短期内接连发生重特大事故
// title_en: Major accidents in quick succession in one province
// severity: high
// explains_zh: 每行是同一省份内先后发生的两起重大或特别重大事故（未记等级时以死亡10人及以上计），
//   间隔不超过 days 天（同一天的两起不算），days_between 为间隔天数；每对只出现一次，先发生者在前。
//   这些对由 `safetykg analyze`（加载时也会）按 province_short_interval 规则推导为 RECURRENCE_OF 关联，
//   本审计只读这些关联，故 days 只能收窄、不能超过推导时的窗口（默认45天）。短期内接连发生重大事故，
//   说明前一起事故后当地没有举一反三、全面排查重大风险。审计人员应核查省级层面在前一起事故后部署了哪些排查整治，
//   后一起事故的单位和行业是否被覆盖。
// explains_en: Each row is a pair of major or especially major accidents (when severity is missing: 10 or more
//   deaths) in the same province within `days` days of each other (never on the same day); days_between is the gap,
//   each pair once, earlier accident first. The pairs are the RECURRENCE_OF links that rule province_short_interval
//   derives (`safetykg analyze`, also run on load); `days` can narrow the derived window (45 by default), not widen it. A second major accident so soon means the province did not draw lessons from the first and did
//   not sweep for similar risks. Check which province-wide inspections followed the first accident and whether they
//   reached the sector and the company of the second.
// param: as_of date today 基准日 / reference date (accidents after it are ignored)
// param: days int 45 间隔天数上限 / maximum days between the two accidents
// row_key: earlier_id, later_id
// count_zh: x = 与另一起重大事故间隔不超过 days 天的重大事故数；y = 重大及以上事故数
// count_en: x = major accidents within `days` of another in the province; y = major accidents
MATCH (a2:Accident)-[e:RECURRENCE_OF]->(a1:Accident)
WHERE 'province_short_interval' IN e.rules AND e.days <= $days AND a2.day <= $as_of_day
MATCH (a2)-[:OCCURRED_IN]->(:Region)-[:PART_OF*0..2]->(p:Region {level: 'province'})
RETURN p.adcode AS province_code,
       p.name AS province,
       a1.id AS earlier_id,
       a1.name AS earlier,
       a1.date AS earlier_date,
       a1.severity AS earlier_severity,
       a1.deaths AS earlier_deaths,
       a2.id AS later_id,
       a2.name AS later,
       a2.date AS later_date,
       a2.severity AS later_severity,
       a2.deaths AS later_deaths,
       e.days AS days_between
ORDER BY province_code, earlier_date, earlier_id, later_id

// ---- subgraph
MATCH (a2:Accident)-[e:RECURRENCE_OF]->(a1:Accident)
WHERE 'province_short_interval' IN e.rules AND e.days <= $days AND a2.day <= $as_of_day
MATCH (a1)-[:OCCURRED_IN]->(r1:Region)
MATCH (a2)-[:OCCURRED_IN]->(r2:Region)
UNWIND [0, 1, 2] AS part
RETURN CASE part WHEN 0 THEN a2.id WHEN 1 THEN a1.id ELSE a2.id END AS src,
       'Accident' AS src_label,
       CASE part WHEN 0 THEN 'RECURRENCE_OF' ELSE 'OCCURRED_IN' END AS rel,
       CASE part WHEN 0 THEN a1.id WHEN 1 THEN r1.adcode ELSE r2.adcode END AS dst,
       CASE part WHEN 0 THEN 'Accident' ELSE 'Region' END AS dst_label,
       CASE part WHEN 0 THEN a2.name WHEN 1 THEN a1.name ELSE a2.name END AS src_name,
       CASE part WHEN 0 THEN a1.name WHEN 1 THEN r1.name ELSE r2.name END AS dst_name

// ---- count
MATCH (a:Accident)-[:OCCURRED_IN]->(:Region)-[:PART_OF*0..2]->(:Region {level: 'province'})
WHERE a.day <= $as_of_day
  AND (a.severity IN ['重大', '特别重大'] OR (a.severity IS NULL AND a.deaths >= 10))
OPTIONAL MATCH (a)-[e:RECURRENCE_OF]-(b:Accident)
WHERE 'province_short_interval' IN e.rules AND e.days <= $days AND b.day <= $as_of_day
WITH a, count(e) AS partners
RETURN sum(CASE WHEN partners > 0 THEN 1 ELSE 0 END) AS x, count(a) AS y
