-- Cases (一网统管): the taxonomy, the cases and their append-only history, dispatch and alert rules,
-- settings (working calendar, escalation) and the trained text classifier.

-- Three-level taxonomy: domain > kind > item (e.g. urban > safety > hazard). Only items (level 3) are
-- assigned to cases; deadlines are configured on items.
create table cases_category (
  code text primary key,
  parent_code text references cases_category(code),
  level smallint not null check (level between 1 and 3),
  name_zh text not null,
  name_en text not null,
  -- Department that usually owns the item: the fallback dispatch when no rule matches.
  department_code text,
  -- Deadline in hours by priority; counted in working hours when working_time is true.
  deadline_hours jsonb not null default '{"urgent": 4, "high": 24, "normal": 72, "low": 168}',
  working_time boolean not null default true,
  active boolean not null default true,
  check ((level = 1) = (parent_code is null))
);

create table cases_case (
  id serial primary key,
  state text not null check (state in ('reported', 'filed', 'declined', 'dispatched', 'returned', 'in_progress', 'handled', 'verified', 'closed', 'evaluated')),
  -- Optimistic concurrency: every change bumps it; a change carrying a stale version is refused.
  version integer not null default 1,
  title text not null,
  description text not null default '',
  category_code text references cases_category(code),
  priority text not null default 'normal' check (priority in ('urgent', 'high', 'normal', 'low')),
  source text not null check (source in ('open311', 'hotline', 'alert', 'inspection', 'internal')),
  -- The alert group key for alert cases, the client's own id for others.
  source_ref text,
  org_code text not null references org_unit(code),
  org_path text not null,
  address text,
  lat double precision,
  lon double precision,
  -- Who reported it (name, phone, email): never shown on the public Open311 reads.
  reporter jsonb,
  media_urls text[] not null default '{}',
  department_code text references department(code),
  handler_org_code text references org_unit(code),
  queue text,
  deadline_at timestamptz,
  on_time boolean,
  overdue boolean not null default false,
  escalation_level smallint not null default 0,
  escalated_org_code text references org_unit(code),
  satisfaction smallint check (satisfaction between 1 and 5),
  created_by text not null,
  reported_at timestamptz not null,
  filed_at timestamptz,
  dispatched_at timestamptz,
  handled_at timestamptz,
  closed_at timestamptz,
  updated_at timestamptz not null
);
create index cases_case_org_path on cases_case (org_path text_pattern_ops);
create index cases_case_state on cases_case (state);
create index cases_case_department on cases_case (department_code, state);
create index cases_case_deadline on cases_case (deadline_at) where overdue = false or escalation_level < 2;
create index cases_case_reported on cases_case (reported_at);
-- One open case per alert group: concurrent alerts of one group race on this index, and one wins.
create unique index cases_case_open_alert_group on cases_case (source_ref)
  where source = 'alert' and state not in ('declined', 'closed', 'evaluated');

-- Append-only: who did what, when and why.
create table cases_event (
  id serial primary key,
  case_id integer not null references cases_case(id),
  action text not null,
  from_state text,
  to_state text,
  actor text not null,
  at timestamptz not null,
  reason text,
  data jsonb
);
create index cases_event_case on cases_event (case_id, id);

create function cases_event_append_only() returns trigger language plpgsql as $$
begin
  raise exception 'cases_event is append-only';
end $$;
create trigger cases_event_no_change before update or delete on cases_event
  for each row execute function cases_event_append_only();

create table cases_case_alert (
  alert_id integer primary key,
  case_id integer not null references cases_case(id)
);
create index cases_case_alert_case on cases_case_alert (case_id);

-- Dispatch rules: category prefix x location (org subtree) -> department, handling org unit, queue.
-- The most specific rule wins (longest category prefix, then deepest org).
create table cases_dispatch_rule (
  id serial primary key,
  category_prefix text not null default '',
  org_code text references org_unit(code),
  department_code text not null references department(code),
  -- Which org unit handles it: the case's own district/street/committee, or a fixed one.
  handler_level text not null default 'district' check (handler_level in ('city', 'district', 'street', 'committee', 'fixed')),
  handler_org_code text references org_unit(code),
  queue text,
  created_at timestamptz not null default now(),
  check ((handler_level = 'fixed') = (handler_org_code is not null))
);

-- Which vitals alerts open a case.
create table cases_alert_rule (
  id serial primary key,
  min_severity text not null default 'critical' check (min_severity in ('warning', 'critical')),
  -- Vitals categories the rule covers; null means every category.
  categories text[],
  case_category text not null references cases_category(code),
  priority text not null default 'high' check (priority in ('urgent', 'high', 'normal', 'low')),
  enabled boolean not null default true
);

create table cases_setting (
  name text primary key,
  value jsonb not null
);

create table cases_classifier_model (
  id serial primary key,
  trained_at timestamptz not null,
  samples integer not null,
  labels integer not null,
  model text not null
);

insert into cases_category (code, parent_code, level, name_zh, name_en, department_code, deadline_hours, working_time) values
  ('urban', null, 1, '城市建设管理', 'Urban construction and management', null, '{"urgent": 4, "high": 24, "normal": 72, "low": 168}', true),
  ('urban.safety', 'urban', 2, '安全隐患', 'Safety', null, '{"urgent": 2, "high": 12, "normal": 48, "low": 120}', true),
  ('urban.safety.hazard', 'urban.safety', 3, '危险隐患', 'Hazard', 'emergency', '{"urgent": 2, "high": 12, "normal": 48, "low": 120}', false),
  ('urban.safety.gas', 'urban.safety', 3, '燃气泄漏', 'Gas leak', 'gas_utility', '{"urgent": 1, "high": 2, "normal": 4, "low": 8}', false),
  ('urban.safety.lift', 'urban.safety', 3, '电梯故障', 'Lift fault', 'housing', '{"urgent": 2, "high": 8, "normal": 24, "low": 72}', false),
  ('urban.road', 'urban', 2, '道路设施', 'Roads and street furniture', null, '{"urgent": 4, "high": 24, "normal": 72, "low": 168}', true),
  ('urban.road.damage', 'urban.road', 3, '道路破损', 'Road damage', 'transport', '{"urgent": 4, "high": 24, "normal": 72, "low": 168}', true),
  ('urban.road.streetlight', 'urban.road', 3, '路灯故障', 'Street light out', 'city_management', '{"urgent": 4, "high": 24, "normal": 72, "low": 168}', true),
  ('urban.road.manhole', 'urban.road', 3, '窨井盖缺损', 'Missing or broken manhole cover', 'water_authority', '{"urgent": 2, "high": 4, "normal": 24, "low": 72}', false),
  ('urban.appearance', 'urban', 2, '市容环境', 'City appearance', null, '{"urgent": 4, "high": 24, "normal": 72, "low": 168}', true),
  ('urban.appearance.litter', 'urban.appearance', 3, '暴露垃圾', 'Litter and waste', 'greening_appearance', '{"urgent": 4, "high": 24, "normal": 48, "low": 120}', true),
  ('urban.appearance.graffiti', 'urban.appearance', 3, '乱涂乱画', 'Graffiti', 'greening_appearance', '{"urgent": 8, "high": 24, "normal": 72, "low": 168}', true),
  ('urban.appearance.vending', 'urban.appearance', 3, '占道经营', 'Street vending on the road', 'city_management', '{"urgent": 4, "high": 24, "normal": 72, "low": 168}', true),
  ('environment', null, 1, '生态环境', 'Environment', null, '{"urgent": 4, "high": 24, "normal": 72, "low": 168}', true),
  ('environment.pollution', 'environment', 2, '污染', 'Pollution', null, '{"urgent": 4, "high": 24, "normal": 72, "low": 168}', true),
  ('environment.pollution.air', 'environment.pollution', 3, '大气污染', 'Air pollution', 'ecology_environment', '{"urgent": 4, "high": 24, "normal": 72, "low": 168}', true),
  ('environment.pollution.water', 'environment.pollution', 3, '水体污染', 'Water pollution', 'ecology_environment', '{"urgent": 4, "high": 24, "normal": 72, "low": 168}', true),
  ('environment.noise', 'environment', 2, '噪声', 'Noise', null, '{"urgent": 4, "high": 24, "normal": 72, "low": 168}', true),
  ('environment.noise.construction', 'environment.noise', 3, '施工噪声', 'Construction noise', 'ecology_environment', '{"urgent": 2, "high": 12, "normal": 24, "low": 72}', false),
  ('environment.noise.neighbourhood', 'environment.noise', 3, '社会生活噪声', 'Neighbourhood noise', 'public_security', '{"urgent": 2, "high": 12, "normal": 24, "low": 72}', false),
  ('public', null, 1, '公共服务', 'Public services', null, '{"urgent": 4, "high": 24, "normal": 72, "low": 168}', true),
  ('public.transport', 'public', 2, '公共交通', 'Public transport', null, '{"urgent": 4, "high": 24, "normal": 72, "low": 168}', true),
  ('public.transport.bus', 'public.transport', 3, '公交服务', 'Bus service', 'transport', '{"urgent": 4, "high": 24, "normal": 72, "low": 168}', true),
  ('public.social', 'public', 2, '社会服务', 'Social services', null, '{"urgent": 4, "high": 24, "normal": 72, "low": 168}', true),
  ('public.social.elderly', 'public.social', 3, '养老服务', 'Elderly care', 'civil_affairs', '{"urgent": 4, "high": 24, "normal": 72, "low": 168}', true),
  ('public.social.health', 'public.social', 3, '医疗服务', 'Health services', 'health_commission', '{"urgent": 4, "high": 24, "normal": 72, "low": 168}', true),
  ('operations', null, 1, '城市运行', 'City operations', null, '{"urgent": 2, "high": 8, "normal": 24, "low": 72}', false),
  ('operations.vitals', 'operations', 2, '体征告警', 'Vital-sign alerts', null, '{"urgent": 2, "high": 8, "normal": 24, "low": 72}', false),
  ('operations.vitals.alert', 'operations.vitals', 3, '体征告警处置', 'Vital-sign alert', null, '{"urgent": 2, "high": 8, "normal": 24, "low": 72}', false),
  ('other', null, 1, '其他', 'Other', null, '{"urgent": 4, "high": 24, "normal": 72, "low": 168}', true),
  ('other.general', 'other', 2, '综合', 'General', null, '{"urgent": 4, "high": 24, "normal": 72, "low": 168}', true),
  ('other.general.other', 'other.general', 3, '其他事项', 'Other request', 'hotline_12345', '{"urgent": 4, "high": 24, "normal": 72, "low": 168}', true);

-- By default every critical alert opens a case.
insert into cases_alert_rule (min_severity, categories, case_category, priority) values ('critical', null, 'operations.vitals.alert', 'high');
