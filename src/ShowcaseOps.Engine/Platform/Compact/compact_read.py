# ShowcaseOps compact platform read: runs on the gateway inside a platform batch (python3 >= 3.6, standard library only).
# Generated batches carry this file in their request archive; the shell script falls back to the plain frames whenever
# it is missing, fails or exits non-zero. See docs/ssm.md, "Compact reads", and PlatformCompactDecoder.cs (the reader).
#
#   python3 compact_read.py prefetch   writes servers.conf: one GET per Vulcand backend listed in the batch's answer
#   python3 compact_read.py encode     prints the @@SHOWCASE-COMPACT frame of every answer (batch and prefetch)
#
# Inputs in the working directory: spec (JSON, written by the module), status and pstatus (curl's write-out lines),
# o<n> and p<n> (bodies), known (digests the module already holds). Nothing here is ever executed as shell text.
import base64
import gzip
import hashlib
import json
import re
import struct
import sys
import urllib.parse

URL = re.compile(r'\Ahttp://([0-9.]+):([1-9][0-9]{0,4})\Z', re.ASCII)
UUID = re.compile(r'[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}')
# What the module reads of an app (MarathonClient.ToApp), of a task (ToTask, without the times) and of each list.
APP_FIELDS = ('id', 'instances', 'cpus', 'mem', 'cmd', 'container', 'networks', 'portDefinitions', 'ports', 'labels',
              'healthChecks', 'version', 'deployments', 'tasksStaged', 'tasksRunning', 'tasksHealthy', 'tasksUnhealthy')
KEEP = {
    'VH': {'Name': None},
    'VB': {'Id': None, 'Type': None},
    'VF': {'Id': None, 'Route': None, 'BackendId': None},
    'VL': {'Id': None, 'Protocol': None, 'Address': {'Address': None}},
    'KS': {'id': None, 'name': None, 'protocol': None, 'host': None, 'port': None, 'path': None, 'tags': None},
    'KR': {'id': None, 'name': None, 'service': {'id': None}, 'hosts': None, 'paths': None, 'preserve_host': None,
           'strip_path': None, 'tags': None, 'protocols': None, 'https_redirect_status_code': None},
}
LIST_KEY = {'VH': 'Hosts', 'VB': 'Backends', 'VF': 'Frontends', 'VL': 'Listeners', 'KS': 'data', 'KR': 'data'}


class NotCompactable(Exception):
    pass


def read(name):
    with open(name, 'rb') as f:
        return f.read()


def statuses(name, batch):
    found = {}
    try:
        text = read(name).decode('ascii')
    except OSError:
        return found
    for line in text.split('\n'):
        parts = line.split()
        if len(parts) == 5 and parts[0] == '@@SHOWCASE-STATUS' and parts[1] == batch:
            found[int(parts[2])] = int(parts[3])
    return found


def digest(body):
    return hashlib.sha256(body).hexdigest()[:16]


def project(value, keep):
    if keep is None or not isinstance(value, dict):
        return value
    return {k: project(value[k], keep[k]) for k in keep if k in value}


def percent(segment):
    # As PlatformPath.Segment: unreserved characters stay, and a name of dots only is encoded whole ('..' is no path).
    if segment.strip('.') == '':
        return ''.join('%%%02X' % b for b in segment.encode('utf-8'))
    return urllib.parse.quote(segment, safe='-_.~')


def prefetch(spec):
    # The servers of every backend the batch's Vulcand list names (those the batch reads itself excepted), read now so
    # the module needs no second command for them.
    conf = ['silent\nshow-error\n']
    chosen = []
    backends = spec.get('backends')
    if backends and 200 <= statuses('status', spec['batch']).get(backends, 0) < 300:
        listed = json.loads(read('o%d' % backends).decode('utf-8')).get('Backends') or []
        have = set(spec.get('requested', []))
        for b in listed:
            bid = b.get('Id') if isinstance(b, dict) else None
            if not isinstance(bid, str) or bid == '' or bid in have or bid in chosen:
                continue
            chosen.append(bid)
            n = len(chosen)
            conf.append('%surl = "%s%s/servers"\nrequest = "GET"\ngloboff\npath-as-is\noutput = "p%d"\n'
                        'write-out = "\\n@@SHOWCASE-STATUS %s %d %%{http_code} %%{size_download}\\n"\n'
                        'connect-timeout = 5\nmax-time = 30\n'
                        % ('next\n' if n > 1 else '', spec['serversUrl'], percent(bid), n, spec['batch'], n))
    with open('servers.conf', 'w') as f:
        f.write(''.join(conf) if chosen else '')
    with open('prefetched', 'w') as f:
        json.dump(chosen, f)


def marathon(body):
    apps = []
    counts = []
    cols = {k: [] for k in ('id', 'app', 'host', 'ip', 'hc', 'ports', 'sp', 'st', 'ag', 'v')}
    tasks_by_id = {}
    for app in body['apps']:
        tasks = app.get('tasks')
        app = {k: app[k] for k in APP_FIELDS if k in app}
        if tasks is None:
            counts.append(-1)
            apps.append(app)
            continue
        tasks = sorted(tasks, key=lambda t: t.get('id') or '')
        counts.append(len(tasks))
        apps.append(app)
        for t in tasks:
            version = t.get('version')
            cols['id'].append(t.get('id'))
            cols['app'].append(0 if t.get('appId') == app.get('id') else t.get('appId'))
            cols['host'].append(t.get('host'))
            ips = t.get('ipAddresses')
            cols['ip'].append(None if ips is None else [a.get('ipAddress') for a in ips])
            hc = t.get('healthCheckResults')
            cols['hc'].append(None if hc is None else [1 if r.get('alive') is True else 0 for r in hc])
            cols['ports'].append(t.get('ports'))
            cols['sp'].append(t.get('servicePorts'))
            cols['st'].append(t.get('state'))
            cols['ag'].append(t['slaveId'] if t.get('slaveId') is not None or 'agentId' not in t else ['a', t.get('agentId')])
            cols['v'].append(0 if version == app.get('version') else version)
            if isinstance(t.get('id'), str) and t['id'] not in tasks_by_id:
                tasks_by_id[t['id']] = (len(cols['id']) - 1, t)
    return {'apps': apps, 'n': counts, 't': cols}, tasks_by_id


def task_port(tasks, instance, port, host=None):
    t = tasks.get(instance, (None, None))[1] if isinstance(instance, str) else None
    if t is None or not isinstance(t.get('ports'), list) or port not in t['ports']:
        return None
    if host is not None and host != t.get('host'):
        return None
    return t['ports'].index(port)


class TaskRefs(object):
    # A task named by its position among Marathon's tasks (as marathon() orders them), written as the difference from
    # the previous one in the same column: the entries follow the tasks' order, so most are 1.
    def __init__(self, tasks):
        self.tasks = tasks
        self.last = 0

    def ref(self, task_id):
        if not isinstance(task_id, str) or task_id not in self.tasks:
            return None
        index = self.tasks[task_id][0]
        delta = index - self.last
        self.last = index
        return delta


def consul(body, tasks):
    cols = {k: [] for k in ('k', 'sv', 'id', 'a', 'p', 't', 'm', 'c', 'ti')}
    refs = TaskRefs(tasks)
    for key in sorted(body):
        e = body[key]
        if not isinstance(e, dict):
            raise NotCompactable()
        meta = e.get('Meta')
        meta = dict(meta) if isinstance(meta, dict) else meta
        instance = meta.get('showcase-instance') if isinstance(meta, dict) else None
        service = e.get('Service')
        ident = e.get('ID')
        port = e.get('Port')
        if not isinstance(ident, str) or isinstance(port, list):
            raise NotCompactable()
        index = task_port(tasks, instance, port) if isinstance(port, int) else None
        check = 0
        if index is not None and isinstance(meta, dict) and meta.get('showcase-check') == 'tcp:%d' % port:
            del meta['showcase-check']
            check = 1
        cols['k'].append(0 if key == ident else key)
        cols['sv'].append(service)
        cols['id'].append(1 if isinstance(service, str) and isinstance(instance, str) and ident == service + '-' + instance else ident)
        cols['a'].append(e.get('Address'))
        cols['p'].append(['p', index] if index is not None else port)
        cols['t'].append(e.get('Tags'))
        ref = refs.ref(instance)
        if ref is not None:
            del meta['showcase-instance']
        cols['ti'].append(ref)
        cols['m'].append(meta)
        cols['c'].append(check)
    return cols


def servers(body, tasks):
    listed = body.get('Servers')
    if listed is None:
        return {'v': None}
    ids = []
    urls = []
    refs = TaskRefs(tasks)
    order = []
    for srv in listed:
        url = srv.get('URL')
        m = URL.match(url) if isinstance(url, str) else None
        index = task_port(tasks, srv.get('Id'), int(m.group(2)), m.group(1)) if m else None
        if index is not None and url != 'http://%s:%d' % (m.group(1), int(m.group(2))):
            index = None
        if isinstance(url, list):
            raise NotCompactable()
        ref = refs.ref(srv.get('Id'))
        ids.append(None if ref is not None else srv.get('Id'))
        order.append(ref)
        urls.append(['p', index] if index is not None else url)
    return {'v': ids, 'u': urls, 'ti': order}


def listing(kind, body):
    key = LIST_KEY[kind]
    items = body.get(key)
    if items is not None and not isinstance(items, list):
        raise NotCompactable()
    if items is not None and kind in ('KS', 'KR'):
        # By name (then id): a route then follows its service, so their ids compress as neighbours.
        items = sorted(items, key=lambda i: (str(i.get('name')), str(i.get('id'))) if isinstance(i, dict) else ('', ''))
    out = {'l': None if items is None else [project(i, KEEP[kind]) for i in items]}
    if kind in ('KS', 'KR'):
        out['next'] = body.get('next')
    return out


def encode_one(kind, raw, tasks):
    body = json.loads(raw.decode('utf-8'))
    if kind == 'C':
        return consul(body, tasks)
    if kind == 'VS':
        return servers(body, tasks)
    return listing(kind, body)


def encode(spec):
    batch = spec['batch']
    kinds = spec['kinds']
    known = {}
    try:
        for line in read('known').decode('ascii').split('\n'):
            parts = line.split(' ')
            if len(parts) == 2:
                known[parts[0]] = parts[1]
    except OSError:
        pass
    status = statuses('status', batch)
    if len(status) != len(kinds):
        raise NotCompactable()
    try:
        prefetched = json.loads(read('prefetched').decode('utf-8'))
    except OSError:
        prefetched = []
    pstatus = statuses('pstatus', batch)
    entries = []
    tasks = {}
    bodies = {}
    for i, kind in enumerate(kinds, 1):
        code = status[i]
        if code == 0:
            raise NotCompactable()
        try:
            bodies[i] = read('o%d' % i)
        except OSError:
            bodies[i] = b''
    order = sorted(range(1, len(kinds) + 1), key=lambda i: 0 if kinds[i - 1] == 'M' else 1)
    encoded = {}
    for i in order:
        kind = kinds[i - 1]
        raw = bodies[i]
        code = status[i]
        entry = {'s': code}
        d = digest(raw)
        if kind is not None and 200 <= code < 300:
            entry['d'] = d
            if kind == 'M':
                # Parsed even when unchanged: the other answers are written relative to its tasks.
                m, tasks = marathon(json.loads(raw.decode('utf-8')))
                if known.get(str(i)) == d:
                    entry['same'] = 1
                else:
                    entry['m'] = m
            elif known.get(str(i)) == d:
                entry['same'] = 1
            else:
                try:
                    entry['c'] = encode_one(kind, raw, tasks)
                except (ValueError, AttributeError, TypeError, KeyError, NotCompactable):
                    del entry['d']
                    entry['raw'] = raw.decode('utf-8', 'replace')
        else:
            entry['raw'] = raw.decode('utf-8', 'replace')
        encoded[i] = entry
    for i in range(1, len(kinds) + 1):
        entries.append(encoded[i])
    pushed = []
    for n, bid in enumerate(prefetched, 1):
        code = pstatus.get(n)
        if code is None or code == 0:
            raise NotCompactable()
        try:
            raw = read('p%d' % n)
        except OSError:
            raw = b''
        entry = {'b': bid, 's': code}
        if 200 <= code < 300:
            entry['d'] = digest(raw)
            if known.get('p:' + bid.encode('utf-8').hex()) == entry['d']:
                entry['same'] = 1
            else:
                try:
                    entry['c'] = servers(json.loads(raw.decode('utf-8')), tasks)
                except (ValueError, AttributeError, TypeError, KeyError, NotCompactable):
                    del entry['d']
                    entry['raw'] = raw.decode('utf-8', 'replace')
        else:
            entry['raw'] = raw.decode('utf-8', 'replace')
        pushed.append(entry)
    text = json.dumps({'r': entries, 'p': pushed}, separators=(',', ':'), ensure_ascii=True)
    table = []
    if '\\u0001' not in text:
        index = {}
        last = [0]

        def ref(match):
            u = match.group(0)
            if u not in index:
                index[u] = len(table)
                table.append(bytes.fromhex(u.replace('-', '')))
            n = index[u]
            delta = n - last[0]
            last[0] = n
            return '\\u0001%d\\u0002' % delta

        text = UUID.sub(ref, text)
    payload = b'SCR1' + struct.pack('>I', len(table)) + b''.join(table) + text.encode('ascii')
    sys.stdout.write('@@SHOWCASE-COMPACT %s %d\n' % (batch, len(kinds)))
    sys.stdout.write(base64.b64encode(gzip.compress(payload, 9)).decode('ascii'))
    sys.stdout.write('\n@@SHOWCASE-DONE %s\n' % batch)


def main():
    spec = json.loads(read('spec').decode('utf-8'))
    if sys.argv[1] == 'prefetch':
        prefetch(spec)
    else:
        try:
            spec['prefetched'] = json.loads(read('prefetched').decode('utf-8'))
        except OSError:
            spec['prefetched'] = []
        encode(spec)


if __name__ == '__main__':
    try:
        main()
    except NotCompactable:
        sys.exit(3)
