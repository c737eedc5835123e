-- The org tree, departments, users, API tokens and the platform's own secrets.

create table org_unit (
  code text primary key,
  -- Compact numeric key for high-volume tables (observations) that reference an org unit.
  id serial not null unique,
  parent_code text references org_unit(code),
  level text not null check (level in ('city', 'district', 'street', 'committee')),
  name_zh text not null,
  name_en text not null,
  -- Materialised path ('/sh/pudong/'): a subtree is one prefix match, which every scoped read needs.
  path text not null unique
);
create index org_unit_parent on org_unit(parent_code);

create table department (
  code text primary key,
  name_zh text not null,
  name_en text not null,
  org_code text not null references org_unit(code)
);

create table app_user (
  id serial primary key,
  username text not null unique,
  password_hash text not null,
  display_name text not null,
  role text not null,
  org_code text not null references org_unit(code),
  department_code text references department(code),
  disabled boolean not null default false,
  created_at timestamptz not null default now()
);

create table api_token (
  id serial primary key,
  name text not null,
  -- Only a SHA-256 of the token is kept: a leaked database does not leak usable tokens.
  token_hash text not null unique,
  scopes text[] not null,
  org_code text not null references org_unit(code),
  created_by integer references app_user(id),
  created_at timestamptz not null default now(),
  expires_at timestamptz,
  revoked_at timestamptz
);

create table platform_secret (
  name text primary key,
  value text not null
);

-- Small facts about this installation (e.g. that it runs the demo city).
create table platform_setting (
  name text primary key,
  value text not null
);
