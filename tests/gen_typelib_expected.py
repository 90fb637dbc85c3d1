#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Generate tests/typelib_expected.h from the WUA facts reference.
#
# Reads the markdown tables of the reference (section 3, the interface
# index; section 4, the per-interface member tables; section 2.2, the
# coclasses) and writes a C header with static const arrays that describe
# what the type library must contain.  This deliberately does not look at
# idl/wuapi.idl: the point is to check the IDL against the reference.
#
# Usage: gen_typelib_expected.py path/to/wua-reference.md [output.h]
#        (writes to stdout when no output file is given)
#
# Fails (non-zero exit) if the reference does not yield exactly 76
# interfaces, or if any interface's members disagree with its slot numbers
# or with the "Total vtable slots" column.

import os
import re
import sys

EXPECTED_INTERFACE_COUNT = 76
EXPECTED_COCLASS_COUNT = 12

INVOKE_FUNC = 1
INVOKE_PROPERTYGET = 2
INVOKE_PROPERTYPUT = 4
INVOKE_PROPERTYPUTREF = 8

KINDS = {
    'method': (INVOKE_FUNC, ''),
    'propget': (INVOKE_PROPERTYGET, 'get_'),
    'propput': (INVOKE_PROPERTYPUT, 'put_'),
    'propputref': (INVOKE_PROPERTYPUTREF, 'putref_'),
}
INVKIND_MACRO = {
    INVOKE_FUNC: 'EXPECTED_INVOKE_FUNC',
    INVOKE_PROPERTYGET: 'EXPECTED_INVOKE_PROPERTYGET',
    INVOKE_PROPERTYPUT: 'EXPECTED_INVOKE_PROPERTYPUT',
    INVOKE_PROPERTYPUTREF: 'EXPECTED_INVOKE_PROPERTYPUTREF',
}

# vtable slots of the two root interfaces
ROOT_SLOTS = {'IUnknown': 3, 'IDispatch': 7}

GUID_RE = re.compile(r'^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-'
                     r'[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$')
IDENT_RE = re.compile(r'^[A-Za-z_][A-Za-z0-9_]*$')


class RefError(Exception):
    pass


def fail(msg):
    raise RefError(msg)


def section(text, start_re, end_re):
    """Text between the heading matching start_re and the next matching end_re."""
    m = re.search(start_re, text, re.M)
    if not m:
        fail('heading not found: %s' % start_re)
    rest = text[m.end():]
    e = re.search(end_re, rest, re.M)
    return rest[:e.start()] if e else rest


def table_rows(text, first_header):
    """Yield the cells of each data row of every markdown table whose first
    header cell is first_header."""
    rows = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i].strip()
        if line.startswith('|'):
            cells = split_row(line)
            if cells and cells[0] == first_header:
                header = cells
                i += 2  # skip the |---| separator
                while i < len(lines) and lines[i].strip().startswith('|'):
                    row = split_row(lines[i].strip())
                    if len(row) != len(header):
                        fail('table row has %d cells, header has %d: %s'
                             % (len(row), len(header), lines[i]))
                    rows.append(dict(zip(header, row)))
                    i += 1
                continue
        i += 1
    return rows


def split_row(line):
    # Cells never contain a literal '|' in this reference.
    inner = line.strip()
    if inner.startswith('|'):
        inner = inner[1:]
    if inner.endswith('|'):
        inner = inner[:-1]
    return [c.strip() for c in inner.split('|')]


def unquote(cell):
    cell = cell.strip()
    if cell.startswith('`') and cell.endswith('`'):
        cell = cell[1:-1]
    return cell


def norm_guid(g):
    g = g.strip().strip('`').strip('{}')
    if not GUID_RE.match(g):
        fail('bad GUID: %r' % g)
    return '{%s}' % g.upper()


def parse_dispid(cell):
    cell = cell.strip()
    if 'DISPID_VALUE' in cell:
        if not cell.startswith('0'):
            fail('odd DISPID cell: %r' % cell)
        return 0
    if 'DISPID_NEWENUM' in cell:
        if not cell.startswith('-4'):
            fail('odd DISPID cell: %r' % cell)
        return -4
    m = re.match(r'^(-?)(0x[0-9A-Fa-f]+|\d+)$', cell)
    if not m:
        fail('cannot parse DISPID %r' % cell)
    v = int(m.group(2), 0)
    if m.group(1):
        v = -v
    v &= 0xFFFFFFFF
    if v >= 0x80000000:
        v -= 0x100000000
    return v


def parse_attrs(cell):
    attrs = [a.strip() for a in cell.split(',') if a.strip()]
    known = {'dual', 'oleautomation', 'nonextensible', 'hidden'}
    for a in attrs:
        if a not in known:
            fail('unknown interface attribute %r' % a)
    return attrs


def parse_index(text):
    sec = section(text, r'^## 3\. ', r'^## ')
    ifaces = []
    for row in table_rows(sec, 'Interface'):
        name = row['Interface']
        if not IDENT_RE.match(name):
            fail('bad interface name %r' % name)
        ifaces.append({
            'name': name,
            'iid': norm_guid(row['IID']),
            'base': row['Base'],
            'attrs': parse_attrs(row['Attributes']),
            'total': int(row['Total vtable slots']),
        })
    return ifaces


def parse_members(text):
    sec = section(text, r'^## 4\. ', r'^## ')
    parts = re.split(r'^#### ', sec, flags=re.M)[1:]
    out = {}
    for part in parts:
        head, _, body = part.partition('\n')
        name = head.strip()
        if not IDENT_RE.match(name):
            fail('bad interface heading %r' % name)
        if name in out:
            fail('interface %s described twice in section 4' % name)
        m = re.search(r'^- IID `([^`]+)` · base `(\w+)` · attrs: ([^·]+?) ·',
                      body, re.M)
        if not m:
            fail('%s: IID/base/attrs line not found' % name)
        info = {
            'iid': norm_guid(m.group(1)),
            'base': m.group(2),
            'attrs': parse_attrs(m.group(3)),
            'range': None,
            'members': [],
        }
        m = re.search(r'^- own vtable slots (\d+)\.\.(\d+)', body, re.M)
        if m:
            info['range'] = (int(m.group(1)), int(m.group(2)))
        elif not re.search(r'^- no own members', body, re.M):
            fail('%s: neither a slot range nor "no own members"' % name)
        for row in table_rows(body, 'Slot'):
            cname_cell = row['C name']
            cm = re.match(r'^`(\w+)`\s*(\*\(restricted\)\*)?$', cname_cell)
            if not cm:
                fail('%s: cannot parse C name cell %r' % (name, cname_cell))
            c_name = cm.group(1)
            restricted = 1 if cm.group(2) else 0
            kind = row['Kind']
            if kind not in KINDS:
                fail('%s.%s: unknown kind %r' % (name, c_name, kind))
            invkind, prefix = KINDS[kind]
            if prefix:
                if not c_name.startswith(prefix):
                    fail('%s.%s: kind %s but C name lacks %s'
                         % (name, c_name, kind, prefix))
                member = c_name[len(prefix):]
            else:
                if re.match(r'^(get|put|putref)_', c_name):
                    fail('%s.%s: method with an accessor prefix' % (name, c_name))
                member = c_name
            info['members'].append({
                'slot': int(row['Slot']),
                'dispid': parse_dispid(row['DISPID']),
                'invkind': invkind,
                'c_name': c_name,
                'name': member,
                'restricted': restricted,
            })
        out[name] = info
    return out


def parse_name_case(text):
    """Section 1 records typelib names whose case differs from the C name
    (the typelib's name table is case-insensitive; the first spelling it
    meets wins).  Returns {member name: typelib spelling}."""
    sec = section(text, r'^## 1\. ', r'^## ')
    found = dict(re.findall(
        r'the `(\w+)` property is stored as \*\*`(\w+)`\*\*', sec))
    if not found:
        fail('section 1: typelib name case note not found')
    for k, v in found.items():
        if k.lower() != v.lower():
            fail('section 1: %s / %s differ by more than case' % (k, v))
    return found


def apply_name_case(members, name_case):
    used = set()
    for info in members.values():
        for mem in info['members']:
            if mem['name'] in name_case:
                used.add(mem['name'])
                mem['name'] = name_case[mem['name']]
    unused = set(name_case) - used
    if unused:
        fail('section 1 names unknown members: %s' % ', '.join(sorted(unused)))


def parse_coclasses(text):
    sec = section(text, r'^### 2\.2 ', r'^##')
    out = []
    for row in table_rows(sec, 'Coclass (display name in registry)'):
        name = row['Coclass (display name in registry)'].split('(')[0].strip()
        if not IDENT_RE.match(name):
            fail('bad coclass name %r' % name)
        itfs = []
        default = None
        for item in row['Interfaces in coclass (default first)'].split(','):
            item = item.strip()
            bold = item.startswith('**')
            iname = re.sub(r'\(default\)', '', item).replace('*', '').strip()
            if not IDENT_RE.match(iname):
                fail('%s: bad interface %r' % (name, item))
            if bold:
                if default is not None:
                    fail('%s: two default interfaces' % name)
                default = iname
            itfs.append(iname)
        if default is None or itfs[0] != default:
            fail('%s: default interface missing or not first' % name)
        out.append({'name': name, 'clsid': norm_guid(row['CLSID']),
                    'interfaces': itfs, 'default': default})
    return out


def validate(index, members, coclasses):
    if len(index) != EXPECTED_INTERFACE_COUNT:
        fail('found %d interfaces in section 3, expected %d'
             % (len(index), EXPECTED_INTERFACE_COUNT))
    by_name = {}
    for itf in index:
        if itf['name'] in by_name:
            fail('interface %s listed twice in section 3' % itf['name'])
        by_name[itf['name']] = itf
    iids = [i['iid'] for i in index]
    if len(set(iids)) != len(iids):
        fail('duplicate IID in section 3')
    extra = set(members) - set(by_name)
    if extra:
        fail('section 4 describes interfaces not in section 3: %s'
             % ', '.join(sorted(extra)))

    def base_total(name):
        base = by_name[name]['base']
        if base in ROOT_SLOTS:
            return ROOT_SLOTS[base]
        if base not in by_name:
            fail('%s: unknown base %s' % (name, base))
        return by_name[base]['total']

    for itf in index:
        name = itf['name']
        if name not in members:
            fail('%s: no member table in section 4' % name)
        m = members[name]
        for key in ('iid', 'base'):
            if m[key] != itf[key]:
                fail('%s: %s differs between sections 3 and 4 (%s / %s)'
                     % (name, key, itf[key], m[key]))
        if sorted(m['attrs']) != sorted(itf['attrs']):
            fail('%s: attributes differ between sections 3 and 4' % name)
        dual = 'dual' in itf['attrs']
        if dual != (itf['base'] != 'IUnknown'):
            fail('%s: dual flag does not match the base interface' % name)
        first = base_total(name)
        mems = m['members']
        expect_count = itf['total'] - first
        if len(mems) != expect_count:
            fail('%s: %d members, but total vtable slots %d - inherited %d = %d'
                 % (name, len(mems), itf['total'], first, expect_count))
        for i, mem in enumerate(mems):
            if mem['slot'] != first + i:
                fail('%s.%s: slot %d, expected %d'
                     % (name, mem['c_name'], mem['slot'], first + i))
        if mems:
            if m['range'] != (first, itf['total'] - 1):
                fail('%s: "own vtable slots" %r disagrees with slots %d..%d'
                     % (name, m['range'], first, itf['total'] - 1))
        elif m['range'] is not None:
            fail('%s: slot range given but no members' % name)
        seen = set()
        for mem in mems:
            key = (mem['c_name'])
            if key in seen:
                fail('%s: duplicate member %s' % (name, key))
            seen.add(key)

    if len(coclasses) != EXPECTED_COCLASS_COUNT:
        fail('found %d coclasses, expected %d'
             % (len(coclasses), EXPECTED_COCLASS_COUNT))
    for cc in coclasses:
        for iname in cc['interfaces']:
            if iname not in by_name:
                fail('coclass %s: unknown interface %s' % (cc['name'], iname))


def c_str(s):
    return '"%s"' % s.replace('\\', '\\\\').replace('"', '\\"')


def emit(index, members, coclasses, name_case, refname):
    o = []
    w = o.append
    n_members = sum(len(members[i['name']]['members']) for i in index)
    w('/*')
    w(' * GENERATED FILE - DO NOT EDIT.')
    w(' *')
    w(' * Generated by tests/gen_typelib_expected.py from the markdown tables of')
    w(' * %s (section 3 interface index, section 4 member tables,' % refname)
    w(' * section 2.2 coclasses), independently of idl/wuapi.idl.')
    w(' * To regenerate:')
    w(' *   python3 tests/gen_typelib_expected.py path/to/wua-reference.md tests/typelib_expected.h')
    w(' *')
    w(' * %d interfaces, %d own members, %d coclasses.'
      % (len(index), n_members, len(coclasses)))
    w(' * Members are listed in vtable order and exclude the inherited')
    w(' * IUnknown/IDispatch members and members of base interfaces.')
    w(' * "name" is the C name without get_/put_/putref_, except where section 1')
    w(' * says the real type library spells it differently:')
    for kv in sorted(name_case.items()):
        w(' *   %s is stored as %s' % kv)
    w(' *')
    w(' * SPDX-License-Identifier: LGPL-2.1-or-later')
    w(' */')
    w('')
    w('#ifndef OPENWUA_TYPELIB_EXPECTED_H')
    w('#define OPENWUA_TYPELIB_EXPECTED_H')
    w('')
    w('#if defined(__GNUC__)')
    w('#define EXPECTED_UNUSED __attribute__((unused))')
    w('#else')
    w('#define EXPECTED_UNUSED')
    w('#endif')
    w('')
    w('/* INVOKEKIND values */')
    w('#define EXPECTED_INVOKE_FUNC           %d' % INVOKE_FUNC)
    w('#define EXPECTED_INVOKE_PROPERTYGET    %d' % INVOKE_PROPERTYGET)
    w('#define EXPECTED_INVOKE_PROPERTYPUT    %d' % INVOKE_PROPERTYPUT)
    w('#define EXPECTED_INVOKE_PROPERTYPUTREF %d' % INVOKE_PROPERTYPUTREF)
    w('')
    w('struct expected_member {')
    w('    const char *c_name;   /* vtable name, e.g. get_ClientApplicationID */')
    w('    const char *name;     /* name as stored in the type library */')
    w('    int invkind;          /* EXPECTED_INVOKE_* (INVOKEKIND) */')
    w('    int dispid;           /* memid, signed 32-bit */')
    w('    int restricted;       /* FUNCFLAG_FRESTRICTED expected */')
    w('    int slot;             /* 0-based vtable slot incl. IUnknown/IDispatch */')
    w('};')
    w('')
    w('struct expected_interface {')
    w('    const char *name;')
    w('    const char *iid;      /* "{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}" */')
    w('    const char *base;')
    w('    int hidden;')
    w('    int dual;')
    w('    const struct expected_member *members;')
    w('    int member_count;')
    w('    int vtable_slots;     /* total, incl. inherited slots */')
    w('};')
    w('')
    w('struct expected_coclass {')
    w('    const char *name;')
    w('    const char *clsid;')
    w('    const char *const *interfaces;  /* default first */')
    w('    int interface_count;')
    w('    const char *default_interface;')
    w('};')
    w('')
    for itf in index:
        mems = members[itf['name']]['members']
        if not mems:
            continue
        w('static const struct expected_member expected_members_%s[] EXPECTED_UNUSED = {'
          % itf['name'])
        for mem in mems:
            dispid = ('(int)0x%08X' % (mem['dispid'] & 0xFFFFFFFF)
                      if mem['dispid'] >= 0x10000 or mem['dispid'] < -0x10000
                      else '%d' % mem['dispid'])
            w('    { %s, %s, %s, %s, %d, %d },'
              % (c_str(mem['c_name']), c_str(mem['name']),
                 INVKIND_MACRO[mem['invkind']], dispid, mem['restricted'],
                 mem['slot']))
        w('};')
        w('')
    w('static const struct expected_interface expected_interfaces[] EXPECTED_UNUSED = {')
    for itf in index:
        mems = members[itf['name']]['members']
        arr = ('expected_members_%s' % itf['name']) if mems else '0'
        w('    { %s, %s, %s, %d, %d, %s, %d, %d },'
          % (c_str(itf['name']), c_str(itf['iid']), c_str(itf['base']),
             1 if 'hidden' in itf['attrs'] else 0,
             1 if 'dual' in itf['attrs'] else 0,
             arr, len(mems), itf['total']))
    w('};')
    w('')
    w('static const int expected_interface_count EXPECTED_UNUSED = %d;'
      % len(index))
    w('static const int expected_member_total EXPECTED_UNUSED = %d;' % n_members)
    w('')
    for cc in coclasses:
        w('static const char *const expected_coclass_itfs_%s[] EXPECTED_UNUSED = { %s };'
          % (cc['name'], ', '.join(c_str(i) for i in cc['interfaces'])))
    w('')
    w('static const struct expected_coclass expected_coclasses[] EXPECTED_UNUSED = {')
    for cc in coclasses:
        w('    { %s, %s, expected_coclass_itfs_%s, %d, %s },'
          % (c_str(cc['name']), c_str(cc['clsid']), cc['name'],
             len(cc['interfaces']), c_str(cc['default'])))
    w('};')
    w('')
    w('static const int expected_coclass_count EXPECTED_UNUSED = %d;'
      % len(coclasses))
    w('')
    w('#endif /* OPENWUA_TYPELIB_EXPECTED_H */')
    return '\n'.join(o) + '\n'


def main(argv):
    if len(argv) not in (2, 3):
        sys.stderr.write('usage: %s wua-reference.md [output.h]\n' % argv[0])
        return 2
    with open(argv[1], encoding='utf-8') as f:
        text = f.read()
    try:
        index = parse_index(text)
        members = parse_members(text)
        coclasses = parse_coclasses(text)
        validate(index, members, coclasses)
        name_case = parse_name_case(text)
        apply_name_case(members, name_case)
    except RefError as e:
        sys.stderr.write('%s: error: %s\n' % (argv[0], e))
        return 1
    out = emit(index, members, coclasses, name_case,
               os.path.basename(argv[1]))
    if len(argv) == 3:
        with open(argv[2], 'w', encoding='utf-8', newline='\n') as f:
            f.write(out)
    else:
        sys.stdout.write(out)
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
