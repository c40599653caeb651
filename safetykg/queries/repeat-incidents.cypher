// id: repeat-incidents
// title_zh: 同一地市同类事故重复发生
// title_en: Repeat incidents in the same prefecture
// severity: high
// explains_zh: 每行是一对事故：发生在同一地级市（区县归并到所属地级市；直辖市的区县、省直辖的县级单位
//   没有地级市，由同省规则比较；只记到省一级的事故不参与比较），类别相同且至少有一个相同的致因标签，
//   先后间隔不超过 window_days 天（同一天的两起不算），days_between 为间隔天数。每对事故只出现一次，先发生者在前。
//   这些对由 `safetykg analyze`（加载时也会）按 same_prefecture 规则推导为 RECURRENCE_OF 关联，本审计只读这些关联，
//   故 window_days 只能收窄、不能超过推导时的窗口（默认365天）。
//   这说明前一起事故的教训没有被吸取、同类隐患没有被整治。审计人员应核查前一起事故的整改措施
//   是否覆盖了后一起事故的致因，当地是否开展了同类隐患专项整治。
// explains_en: Each row is a pair of accidents in the same prefecture (counties roll up to their prefecture;
//   districts of the four municipalities and county-level units directly under a province have no prefecture and
//   are compared by the province rules; accidents recorded only at province level are not compared) of the same
//   kind sharing at least one mechanism tag, within window_days days of each other (never on the same day);
//   days_between is the gap. Each pair appears once, earlier accident first. The pairs are the RECURRENCE_OF links
//   that rule same_prefecture derives (`safetykg analyze`, also run on load); the audit reads them, so window_days
//   can narrow the derived window (365 by default) but not widen it. It suggests the lessons of the first accident
//   were not learned. Check whether the first accident's rectification measures covered the causes of the second
//   and whether a local campaign against that hazard was carried out.
// param: as_of date today 基准日 / reference date (accidents after it are ignored)
// param: window_days int 365 时间窗（天） / maximum days between the two accidents
// row_key: earlier_id, later_id
// count_zh: x = 属于某一对重复事故的事故数；y = 可归入地级市的事故数
// count_en: x = accidents in at least one repeat pair; y = accidents placed in a prefecture
// The earlier accident's place is matched after the shared tags are collected: LadybugDB 0.22 drops rows
// when a filter on a list property (e.rules) is followed by two OCCURRED_IN extensions in one pipeline
// (100k synthetic accidents: 612 pairs instead of 703; Neo4j and a hand count agree on 703).
MATCH (a2:Accident)-[e:RECURRENCE_OF]->(:Accident)
WHERE 'same_prefecture' IN e.rules AND e.days <= $window_days AND a2.day <= $as_of_day
MATCH (a2)-[:OCCURRED_IN]->(r2:Region)-[:PART_OF*0..1]->(u:Region {level: 'prefecture'})
// Before the page nothing is read of the earlier accident: the link holds its id (earlier_id) and its day is
// the later one's less the link's days (how both are derived). It is found again from the page's later accident,
// so its properties are read for one page, not for every pair (LadybugDB 0.22 reads them by primary key where
// the node is bound: at 1M, 78,660 lookups, 1.0 s of the rows query's 0.9-1.5 s).
// For a page, the `// page` line pages here, in the rows' order, before the shared tags are worked out;
// for every row the runner drops it.
WITH a2, e, u, r2 ORDER BY u.adcode, a2.day - e.days, e.earlier_id, a2.id SKIP $page_offset LIMIT $page_limit  // page
MATCH (a2)-[:RECURRENCE_OF]->(a1:Accident)
WHERE a1.id = e.earlier_id
WITH a1, a2, e, u, r2
UNWIND (coalesce(a1.mechanisms, []) + ['']) AS m
WITH a1, a2, e, u, r2,
     collect(DISTINCT CASE WHEN m <> '' AND m IN coalesce(a2.mechanisms, []) THEN m END) AS shared
// OPTIONAL MATCH, the rows without a place dropped after: the answer of a MATCH, but LadybugDB 0.22 plans a
// MATCH here as a hash join over every accident's place (1M: the rows query 1.3-1.5 s -> 1.0 s, the same rows).
OPTIONAL MATCH (a1)-[:OCCURRED_IN]->(r1:Region)
WITH a1, a2, e, u, r2, shared, r1 WHERE r1 IS NOT NULL
RETURN u.adcode AS prefecture_code,
       u.name AS prefecture,
       a1.id AS earlier_id,
       a1.name AS earlier,
       a1.date AS earlier_date,
       r1.name AS earlier_place,
       a2.id AS later_id,
       a2.name AS later,
       a2.date AS later_date,
       r2.name AS later_place,
       e.days AS days_between,
       a1.kind AS kind,
       shared AS shared_mechanisms
ORDER BY prefecture_code, earlier_date, earlier_id, later_id

// ---- subgraph
MATCH (a2:Accident)-[e:RECURRENCE_OF]->(a1:Accident)
WHERE 'same_prefecture' IN e.rules AND e.days <= $window_days AND a2.day <= $as_of_day
MATCH (a1)-[:OCCURRED_IN]->(r1:Region)
MATCH (a2)-[:OCCURRED_IN]->(r2:Region)-[:PART_OF*0..1]->(u:Region {level: 'prefecture'})
UNWIND [0, 1, 2, 3, 4] AS part
WITH a1, a2, u, r1, r2, part
WHERE part < 3 OR (part = 3 AND r1.adcode <> u.adcode) OR (part = 4 AND r2.adcode <> u.adcode)
RETURN CASE part WHEN 0 THEN a2.id WHEN 1 THEN a1.id WHEN 2 THEN a2.id WHEN 3 THEN r1.adcode ELSE r2.adcode END AS src,
       CASE part WHEN 3 THEN 'Region' WHEN 4 THEN 'Region' ELSE 'Accident' END AS src_label,
       CASE part WHEN 0 THEN 'RECURRENCE_OF' WHEN 1 THEN 'OCCURRED_IN' WHEN 2 THEN 'OCCURRED_IN' ELSE 'PART_OF' END AS rel,
       CASE part WHEN 0 THEN a1.id WHEN 1 THEN r1.adcode WHEN 2 THEN r2.adcode ELSE u.adcode END AS dst,
       CASE part WHEN 0 THEN 'Accident' ELSE 'Region' END AS dst_label,
       CASE part WHEN 0 THEN a2.name WHEN 1 THEN a1.name WHEN 2 THEN a2.name WHEN 3 THEN r1.name ELSE r2.name END AS src_name,
       CASE part WHEN 0 THEN a1.name WHEN 1 THEN r1.name WHEN 2 THEN r2.name ELSE u.name END AS dst_name

// ---- count
// y: the places that are a prefecture or lie in one are found first (a few thousand units: levels are province,
// prefecture and county), then the accidents in them, rather than walking PART_OF from every accident (at 1M:
// 0.7 s against 1.7-2.1 s, the same numbers). x, in a statement of its own (the two share nothing; at 1M they
// took 0.65 s as one statement, 0.45 s apart): both ends of every pair the rows list; the later accident is
// dated by $as_of_day and the earlier one precedes it, and a same_prefecture link joins two accidents placed
// in one prefecture, so each end is one of the y accidents.
MATCH (r:Region)-[:PART_OF*0..1]->(:Region {level: 'prefecture'})
WITH DISTINCT r
MATCH (a:Accident)-[:OCCURRED_IN]->(r)
WHERE a.day <= $as_of_day
RETURN count(DISTINCT a) AS y

// ---- count
MATCH (a2:Accident)-[e:RECURRENCE_OF]->(:Accident)
WHERE 'same_prefecture' IN e.rules AND e.days <= $window_days AND a2.day <= $as_of_day
UNWIND [e.earlier_id, a2.id] AS one
RETURN count(DISTINCT one) AS x

// ---- total
// One row per matched pair and place, as the rows query groups them, without the shared-tag work. The earlier
// accident's OCCURRED_IN is left out: a same_prefecture link implies it has exactly one (adcode is single-valued),
// and with it LadybugDB 0.22 drops rows (see the rows query).
MATCH (a2:Accident)-[e:RECURRENCE_OF]->(a1:Accident)
WHERE 'same_prefecture' IN e.rules AND e.days <= $window_days AND a2.day <= $as_of_day
MATCH (a2)-[:OCCURRED_IN]->(r2:Region)-[:PART_OF*0..1]->(u:Region {level: 'prefecture'})
RETURN count(*) AS total
