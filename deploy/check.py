#!/usr/bin/env python3
"""Offline checks of deploy/ (no Docker needed): python3 deploy/check.py

- every XML config is well-formed;
- compose.yaml parses, and agrees with the configs: each ClickHouse service's CH_SHARD / CH_REPLICA macros
  match its place in remote_servers, the Keeper services match raft_configuration and <zookeeper>, the
  tongban nodes name the cluster of remote_servers, every host nginx proxies to is a service;
- nginx accepts nginx.conf (`nginx -t`, when nginx is installed), with the service names resolved to
  127.0.0.1 in a scratch copy since they exist only inside compose's network.
"""
import os, re, shutil, subprocess, sys, tempfile
import xml.etree.ElementTree as ET

import yaml

here = os.path.dirname(os.path.abspath(__file__))
problems = []
def check(ok, message):
    if not ok:
        problems.append(message)

xml = {}
for root, _, files in os.walk(here):
    for f in files:
        if f.endswith('.xml'):
            p = os.path.join(root, f)
            try:
                xml[os.path.relpath(p, here)] = ET.parse(p).getroot()
            except ET.ParseError as e:
                problems.append(f'{p}: {e}')

compose = yaml.safe_load(open(os.path.join(here, 'compose.yaml')))
services = compose['services']
cluster = xml['clickhouse/config.d/cluster.xml']
remote = cluster.find('remote_servers')
(cluster_el,) = list(remote)
name = cluster_el.tag

placed = {}
for i, shard in enumerate(cluster_el.findall('shard'), start=1):
    check(shard.findtext('internal_replication') == 'true', f'shard {i}: internal_replication must be true (Replicated tables copy the rows)')
    for r in shard.findall('replica'):
        placed[r.findtext('host')] = f'{i:02d}'
ch_services = {n: s for n, s in services.items() if str(s.get('image', '')).startswith('clickhouse/clickhouse-server')}
check(set(placed) == set(ch_services), f'remote_servers hosts {sorted(placed)} != ClickHouse services {sorted(ch_services)}')
replicas = []
for n, s in ch_services.items():
    env = s.get('environment', {})
    check(env.get('CH_SHARD') == placed.get(n), f'{n}: CH_SHARD {env.get("CH_SHARD")} but remote_servers puts it in shard {placed.get(n)}')
    replicas.append(env.get('CH_REPLICA'))
    mounts = ' '.join(s.get('volumes', []))
    check('config.d/cluster.xml' in mounts and 'users.d/tongban.xml' in mounts, f'{n}: cluster.xml and tongban.xml must be mounted')
check(len(set(replicas)) == len(replicas), f'CH_REPLICA must be unique over the cluster (dimension tables share one Keeper path): {replicas}')
macros = cluster.find('macros')
check(macros.find('shard').get('from_env') == 'CH_SHARD' and macros.find('replica').get('from_env') == 'CH_REPLICA', 'macros must come from CH_SHARD / CH_REPLICA')

keeper = xml['keeper/keeper_config.xml'].find('keeper_server')
raft = {s.findtext('hostname'): s.findtext('id') for s in keeper.find('raft_configuration').findall('server')}
keeper_services = {n: s for n, s in services.items() if str(s.get('image', '')).startswith('clickhouse/clickhouse-keeper')}
check(len(raft) == 3 and set(raft) == set(keeper_services), f'raft_configuration {sorted(raft)} != Keeper services {sorted(keeper_services)}')
for n, s in keeper_services.items():
    check(s.get('environment', {}).get('KEEPER_ID') == raft.get(n), f'{n}: KEEPER_ID must be its raft id {raft.get(n)}')
zk = {(node.findtext('host'), node.findtext('port')) for node in cluster.find('zookeeper').findall('node')}
check(zk == {(h, keeper.findtext('tcp_port')) for h in raft}, f'<zookeeper> {sorted(zk)} must list every Keeper at its tcp_port')

tongban = {n: s for n, s in services.items() if n.startswith('tongban-')}
check(len(tongban) >= 2, 'two or more tongban nodes')
for n, s in tongban.items():
    env = s.get('environment', {})
    check(env.get('CLICKHOUSE_CLUSTER') == name, f'{n}: CLICKHOUSE_CLUSTER must be {name}')
    check(str(env.get('CLICKHOUSE_URL', '')).startswith('http://tongban:'), f'{n}: CLICKHOUSE_URL as the tongban user')
    check(env.get('NODE_ID') == n, f'{n}: NODE_ID')
    check('REDIS_URL' in env, f'{n}: REDIS_URL')

nginx = open(os.path.join(here, 'nginx/nginx.conf')).read() + open(os.path.join(here, 'nginx/clickhouse-proxy.conf')).read()
for host in set(re.findall(r'^\s*server\s+([a-z0-9-]+):\d+', nginx, re.M)):
    check(host in services, f'nginx proxies to {host}, which is not a service')
for n in tongban:
    check(re.search(rf'server\s+{n}:3000', nginx) is not None, f'nginx must balance {n}')
for n, s in tongban.items():
    port = re.search(r'@lb:(\d+)', s['environment']['CLICKHOUSE_URL'])
    check(port is not None and re.search(rf'listen {port.group(1)};', nginx) is not None, f'{n}: CLICKHOUSE_URL must point at an nginx ClickHouse entrance')

nginx_bin = shutil.which('nginx') or ('/usr/sbin/nginx' if os.path.exists('/usr/sbin/nginx') else None)
if nginx_bin:
    with tempfile.TemporaryDirectory() as tmp:
        conf = open(os.path.join(here, 'nginx/nginx.conf')).read()
        for host in services:
            conf = re.sub(rf'\b{re.escape(host)}:(\d+)', r'127.0.0.1:\1', conf)
        conf = conf.replace('/etc/nginx/clickhouse-proxy.conf', os.path.join(tmp, 'clickhouse-proxy.conf'))
        conf = 'pid ' + os.path.join(tmp, 'nginx.pid') + ';\nerror_log ' + os.path.join(tmp, 'error.log') + ';\n' + conf
        conf = conf.replace('http {', f'http {{\n    access_log {tmp}/access.log;\n    client_body_temp_path {tmp};\n    proxy_temp_path {tmp};', 1)
        open(os.path.join(tmp, 'nginx.conf'), 'w').write(conf)
        shutil.copy(os.path.join(here, 'nginx/clickhouse-proxy.conf'), tmp)
        r = subprocess.run([nginx_bin, '-t', '-p', tmp, '-c', os.path.join(tmp, 'nginx.conf')], capture_output=True, text=True)
        check(r.returncode == 0, f'nginx -t: {r.stderr.strip()}')
        print(r.stderr.strip().splitlines()[-1] if r.stderr.strip() else 'nginx -t: no output')
else:
    print('nginx not installed: nginx -t skipped')

if problems:
    print('\n'.join(f'problem: {p}' for p in problems))
    sys.exit(1)
print(f'deploy/: {len(xml)} XML files well-formed; compose ({len(services)} services), remote_servers ({name}: {len(set(placed.values()))} shards x {len(placed) // max(1, len(set(placed.values())))} replicas), Keeper ({len(raft)}), nginx agree')
