/*
 * OpenWUA tests: loading SDP catalogs (catalog.c).
 *
 * Fixtures are written by the tests into a temporary folder: XML documents,
 * and cabs made by a small store-only cab writer below (so that names no cab
 * tool would write, such as "..\evil.sdp", can be tried).  The vendor samples
 * of the project's shared folder are read when OPENWUA_SAMPLES points at them;
 * OPENWUA_SAMPLES_BUILT holds what the build made of them (the unzipped HP
 * catalog, MSZIP cabs made by gcab).
 *
 * Copyright 2026 the OpenWUA authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "common.h"
#include <shlwapi.h>
#include <xmllite.h>
#include "catalog.h"
#include "rules.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#define WSUS "http://schemas.microsoft.com/wsus/2005/04/CorporatePublishing/"
#define SMC_URI "http://schemas.microsoft.com/sms/2005/04/CorporatePublishing/SystemsManagementCatalog.xsd"
#define SDP_URI WSUS "SoftwareDistributionPackage.xsd"
#define BAR_URI WSUS "BaseApplicabilityRules.xsd"
#define LAR_URI WSUS "LogicalApplicabilityRules.xsd"
#define MSIAR_URI WSUS "MsiApplicabilityRules.xsd"
#define CMD_URI WSUS "Installers/CommandLineInstallation.xsd"
#define MSI_URI WSUS "Installers/MsiInstallation.xsd"
#define MSP_URI WSUS "Installers/MspInstallation.xsd"
#define EXT_URI "urn:openwua:sdp-extensions:2026"

#define ALL_NS "xmlns:smc=\"" SMC_URI "\" xmlns:sdp=\"" SDP_URI "\" xmlns:bar=\"" BAR_URI "\" xmlns:lar=\"" \
    LAR_URI "\" xmlns:msiar=\"" MSIAR_URI "\" xmlns:cmd=\"" CMD_URI "\" xmlns:msi=\"" MSI_URI "\" xmlns:msp=\"" \
    MSP_URI "\" xmlns:ext=\"" EXT_URI "\""

#define ROOT_OPEN "<smc:SystemsManagementCatalog " ALL_NS ">"
#define CATALOG_OPEN "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n" ROOT_OPEN
#define CATALOG_CLOSE "</smc:SystemsManagementCatalog>"
#define CATALOG(body) CATALOG_OPEN body CATALOG_CLOSE

#define ID1 "11111111-2222-3333-4444-555555555555"
#define ID2 "22222222-2222-3333-4444-555555555555"
#define ID3 "33333333-2222-3333-4444-555555555555"
#define PROPS(id) "<sdp:Properties PackageID=\"" id "\" CreationDate=\"2020-01-02T03:04:05Z\"/>"
#define LOCALIZED \
    "<sdp:LocalizedProperties><sdp:Language>en</sdp:Language><sdp:Title>T</sdp:Title></sdp:LocalizedProperties>"
#define UPDATE_DATA "<sdp:UpdateSpecificData UpdateClassification=\"Updates\"/>"
#define PACKAGE_WITH(props, rest) \
    "<smc:SoftwareDistributionPackage>" props LOCALIZED UPDATE_DATA rest "</smc:SoftwareDistributionPackage>"
#define PACKAGE(id) PACKAGE_WITH(PROPS(id), "")
/* A package with one item holding what is given. */
#define ITEM_PACKAGE(item) \
    PACKAGE_WITH(PROPS(ID1), "<sdp:InstallableItem ID=\"" ID2 "\">" item "</sdp:InstallableItem>")
#define DIGEST "2jmj7l5rSw0yVb/vlWAYkK/YBwk="   /* SHA-1 of nothing */
#define ORIGIN_FILE "<sdp:OriginFile Digest=\"" DIGEST "\" FileName=\"a.exe\" Size=\"0\"/>"

static const GUID id1 = {0x11111111, 0x2222, 0x3333, {0x44, 0x44, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55}};
static const GUID id2 = {0x22222222, 0x2222, 0x3333, {0x44, 0x44, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55}};
static const GUID id3 = {0x33333333, 0x2222, 0x3333, {0x44, 0x44, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55}};

static WCHAR temp_folder[MAX_PATH];

/* --- helpers --- */

static void path_in(WCHAR *path, const WCHAR *folder, const WCHAR *name)
{
    swprintf(path, MAX_PATH, L"%ls\\%ls", folder, name);
}

static void write_file(const WCHAR *path, const void *data, size_t size)
{
    HANDLE file = CreateFileW(path, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, 0, NULL);
    DWORD written;

    assert_true(file != INVALID_HANDLE_VALUE);
    assert_true(WriteFile(file, data, size, &written, NULL));
    assert_int_equal(size, written);
    CloseHandle(file);
}

/* Writes a fixture into the temporary folder; path receives where. */
static void write_fixture(const WCHAR *name, const void *data, size_t size, WCHAR *path)
{
    path_in(path, temp_folder, name);
    write_file(path, data, size);
}

static HRESULT load_xml(const char *xml, struct catalog **out)
{
    WCHAR path[MAX_PATH];

    write_fixture(L"doc.xml", xml, strlen(xml), path);
    *out = (void *)0xdeadbeef;
    return catalog_load(path, out);
}

static struct catalog *load_good_xml(const char *xml)
{
    struct catalog *catalog;

    assert_hr(S_OK, load_xml(xml, &catalog));
    assert_non_null(catalog);
    return catalog;
}

static void check_bad_xml(const char *what, const char *xml, HRESULT expected)
{
    struct catalog *catalog;
    HRESULT hr = load_xml(xml, &catalog);

    if (hr != expected) print_message("%s: 0x%08lx\n", what, (unsigned long)hr);
    assert_hr(expected, hr);
    assert_null(catalog);
}

static void check_bad_bytes(const char *what, const void *data, size_t size, HRESULT expected)
{
    struct catalog *catalog = (void *)0xdeadbeef;
    WCHAR path[MAX_PATH];
    HRESULT hr;

    write_fixture(L"doc.xml", data, size, path);
    if ((hr = catalog_load(path, &catalog)) != expected) print_message("%s: 0x%08lx\n", what, (unsigned long)hr);
    assert_hr(expected, hr);
    assert_null(catalog);
}

static void assert_wstr(const WCHAR *expected, const WCHAR *actual)
{
    if (!expected)
    {
        assert_null(actual);
        return;
    }
    assert_non_null(actual);
    if (wcscmp(expected, actual)) print_message("expected \"%ls\", got \"%ls\"\n", expected, actual);
    assert_true(!wcscmp(expected, actual));
}

static void assert_guid(const GUID *expected, const GUID *actual)
{
    WCHAR a[40], b[40];

    if (IsEqualGUID(expected, actual)) return;
    StringFromGUID2(expected, a, ARRAY_SIZE(a));
    StringFromGUID2(actual, b, ARRAY_SIZE(b));
    print_message("expected %ls, got %ls\n", a, b);
    fail();
}

static GUID guid_of(const WCHAR *text)
{
    GUID guid;

    assert_hr(S_OK, CLSIDFromString(text, &guid));
    return guid;
}

static ULONGLONG filetime_value(const FILETIME *ft)
{
    return (ULONGLONG)ft->dwHighDateTime << 32 | ft->dwLowDateTime;
}

static ULONGLONG utc(WORD year, WORD month, WORD day, WORD hour, WORD minute, WORD second)
{
    SYSTEMTIME st = { year, month, 0, day, hour, minute, second, 0 };
    FILETIME ft;

    assert_true(SystemTimeToFileTime(&st, &ft));
    return filetime_value(&ft);
}

static void assert_prefix(const WCHAR *expected, const WCHAR *actual)
{
    assert_non_null(actual);
    if (wcsncmp(expected, actual, wcslen(expected)))
        print_message("expected \"%ls...\", got \"%ls\"\n", expected, actual);
    assert_true(!wcsncmp(expected, actual, wcslen(expected)));
}

static void assert_attr(const struct rule *rule, const WCHAR *name, const WCHAR *value)
{
    assert_wstr(value, rule_attr(rule, name));
}

static unsigned int count_rules(const struct rule *rule, const WCHAR *name)
{
    unsigned int i, count;

    if (!rule) return 0;
    count = !name || !wcscmp(rule->name, name);
    for (i = 0; i < rule->child_count; i++) count += count_rules(rule->children[i], name);
    return count;
}

static const struct catalog_package *find_package(const struct catalog *catalog, const GUID *id)
{
    unsigned int i;

    for (i = 0; i < catalog->package_count; i++)
        if (IsEqualGUID(&catalog->packages[i].id, id)) return &catalog->packages[i];
    fail_msg("package not found");
    return NULL;
}

/* Bytes in use on all the process heaps (malloc's and XmlLite's). */
static SIZE_T heap_in_use(void)
{
    PROCESS_HEAP_ENTRY entry;
    HANDLE heaps[64];
    DWORD count = GetProcessHeaps(ARRAY_SIZE(heaps), heaps), i;
    SIZE_T total = 0;

    assert_true(count && count <= ARRAY_SIZE(heaps));
    for (i = 0; i < count; i++)
    {
        HeapLock(heaps[i]);
        entry.lpData = NULL;
        while (HeapWalk(heaps[i], &entry))
            if (entry.wFlags & PROCESS_HEAP_ENTRY_BUSY) total += entry.cbData;
        HeapUnlock(heaps[i]);
    }
    return total;
}

static double seconds_since(const LARGE_INTEGER *start)
{
    LARGE_INTEGER now, frequency;

    QueryPerformanceCounter(&now);
    QueryPerformanceFrequency(&frequency);
    return (double)(now.QuadPart - start->QuadPart) / frequency.QuadPart;
}

/* A folder named by an environment variable (a Wine path set by CMake); FALSE when it is not there. */
static BOOL env_folder(const WCHAR *variable, WCHAR *folder)
{
    DWORD length = GetEnvironmentVariableW(variable, folder, MAX_PATH), attributes;
    WCHAR *p;

    if (!length || length >= MAX_PATH) return FALSE;
    for (p = folder; *p; p++)
        if (*p == '/') *p = '\\';
    attributes = GetFileAttributesW(folder);
    return attributes != INVALID_FILE_ATTRIBUTES && (attributes & FILE_ATTRIBUTE_DIRECTORY);
}

/* The path of a vendor sample, or skips the test when the samples are not there. */
static void sample_path(const WCHAR *variable, const WCHAR *name, WCHAR *path)
{
    WCHAR folder[MAX_PATH];

    if (!env_folder(variable, folder))
    {
        print_message("%ls is not set or not a folder: vendor samples not tested\n", variable);
        skip();
    }
    path_in(path, folder, name);
    if (GetFileAttributesW(path) == INVALID_FILE_ATTRIBUTES)
    {
        print_message("%ls is missing: not tested\n", path);
        skip();
    }
}

static struct catalog *load_sample(const WCHAR *variable, const WCHAR *name)
{
    struct catalog *catalog = NULL;
    WCHAR path[MAX_PATH];

    sample_path(variable, name, path);
    assert_hr(S_OK, catalog_load(path, &catalog));
    assert_non_null(catalog);
    return catalog;
}

/* --- a store-only cab writer (MS-CAB: header, one folder, files, data blocks) --- */

struct cab_entry
{
    const char *name;
    const char *data;
    size_t size;
};

struct buffer
{
    BYTE *data;
    size_t size;
};

static void put(struct buffer *buffer, const void *data, size_t size)
{
    if (!size) return;
    buffer->data = realloc(buffer->data, buffer->size + size);
    assert_non_null(buffer->data);
    memcpy(buffer->data + buffer->size, data, size);
    buffer->size += size;
}

static void put16(struct buffer *buffer, WORD value)
{
    put(buffer, &value, 2);
}

static void put32(struct buffer *buffer, DWORD value)
{
    put(buffer, &value, 4);
}

/* next: the name of a next cabinet in a set, or NULL. */
static void write_cab(const WCHAR *path, const struct cab_entry *entries, unsigned int count, const char *next)
{
    struct buffer cab = { 0 }, files = { 0 }, data = { 0 }, all = { 0 };
    size_t headers, offset, i, block;
    unsigned int blocks = 0;

    for (i = 0; i < count; i++)
    {
        put32(&files, entries[i].size);
        put32(&files, all.size);
        put16(&files, 0);               /* folder */
        put16(&files, 0x5021);          /* 2020-01-01 */
        put16(&files, 0);
        put16(&files, 0x20);            /* archive */
        put(&files, entries[i].name, strlen(entries[i].name) + 1);
        put(&all, entries[i].data, entries[i].size);
    }
    /* the folder's data, cut into blocks of at most 32 KB */
    for (offset = 0; offset < all.size || !blocks; offset += block, blocks++)
    {
        block = min(all.size - offset, 32768);
        put32(&data, 0);                /* no checksum */
        put16(&data, block);
        put16(&data, block);
        put(&data, all.data + offset, block);
    }
    headers = 36 + (next ? strlen(next) + 2 : 0) + 8;
    put(&cab, "MSCF", 4);
    put32(&cab, 0);
    put32(&cab, headers + files.size + data.size);
    put32(&cab, 0);
    put32(&cab, headers);               /* first file */
    put32(&cab, 0);
    put16(&cab, 0x0103);                /* version 1.3 */
    put16(&cab, 1);                     /* folders */
    put16(&cab, count);
    put16(&cab, next ? 2 : 0);          /* cfhdrNEXT_CABINET */
    put16(&cab, 0x1234);                /* set */
    put16(&cab, 0);                     /* index in the set */
    if (next)
    {
        put(&cab, next, strlen(next) + 1);
        put(&cab, "", 1);               /* next disk */
    }
    put32(&cab, headers + files.size);  /* first data block */
    put16(&cab, blocks);
    put16(&cab, 0);                     /* stored */
    put(&cab, files.data, files.size);
    put(&cab, data.data, data.size);
    write_file(path, cab.data, cab.size);
    free(cab.data);
    free(files.data);
    free(data.data);
    free(all.data);
}

static HRESULT load_cab(const struct cab_entry *entries, unsigned int count, struct catalog **out)
{
    WCHAR path[MAX_PATH];

    path_in(path, temp_folder, L"test.cab");
    write_cab(path, entries, count, NULL);
    *out = (void *)0xdeadbeef;
    return catalog_load(path, out);
}

#define ENTRY(name, text) { name, text, sizeof(text) - 1 }

/* --- the vendor samples --- */

static void dell_msi_package(void **state)
{
    static const BYTE sha1[20] = { 0xee, 0xc2, 0x72, 0x7e, 0x38, 0x8e, 0xcc, 0x0c, 0xcc, 0x56, 0x36, 0x7b, 0x16,
                                   0xa2, 0x4b, 0x4b, 0x48, 0x50, 0xb0, 0x6d };
    struct catalog *catalog = load_sample(L"OPENWUA_SAMPLES", L"dell-msi-dc718411.sdp");
    const struct catalog_package *package;
    const struct catalog_item *item;
    const struct rule *rule;
    GUID id;

    (void)state;
    assert_int_equal(1, catalog->package_count);
    package = &catalog->packages[0];
    id = guid_of(L"{dc718411-a5f1-4b15-966a-63a77cbb156e}");
    assert_guid(&id, &package->id);
    assert_int_equal(1, package->revision);
    assert_int_equal(utSoftware, package->type);
    assert_wstr(L"Dell", package->vendor);
    assert_true(filetime_value(&package->created) == utc(2019, 1, 24, 7, 52, 15));
    assert_int_equal(1, package->more_info_urls.count);
    assert_wstr(L"http://downloads.dell.com/cmsdk/DSIA_Readme.doc", package->more_info_urls.items[0]);
    assert_wstr(L"http://www.dell.com", package->support_url);
    assert_int_equal(1, package->products.count);
    assert_wstr(L"Drivers and Applications", package->products.items[0]);
    assert_int_equal(1, package->text_count);
    assert_wstr(L"en", package->texts[0].language);
    assert_wstr(L"Dell OpenManage Inventory Agent (for Dell Business Client Systems)", package->texts[0].title);
    assert_prefix(L"Dell OpenManage Inventory Agent is a data provider", package->texts[0].description);
    assert_wstr(L"Updates", package->classification);
    assert_wstr(L"Important", package->severity);
    assert_int_equal(1, package->kb_ids.count);
    assert_wstr(L"45YPT", package->kb_ids.items[0]);
    assert_int_equal(1, package->bulletin_ids.count);
    assert_wstr(L"45YPT", package->bulletin_ids.items[0]);
    assert_int_equal(0, package->cve_ids.count);
    assert_null(package->is_installed);
    assert_int_equal(0, package->superseded_count);
    assert_null(package->eula);

    /* IsInstallable: And of WindowsVersion and WmiQuery, entities resolved, no xmlns attributes */
    rule = package->is_installable;
    assert_non_null(rule);
    assert_int_equal(RULE_AND, rule->kind);
    assert_int_equal(0, rule->attr_count);
    assert_int_equal(2, rule->child_count);
    assert_int_equal(RULE_WINDOWS_VERSION, rule->children[0]->kind);
    assert_int_equal(5, rule->children[0]->attr_count);
    assert_attr(rule->children[0], L"Comparison", L"GreaterThanOrEqualTo");
    assert_attr(rule->children[0], L"MajorVersion", L"5");
    assert_attr(rule->children[0], L"ServicePackMajor", L"4");
    assert_int_equal(RULE_WMI_QUERY, rule->children[1]->kind);
    assert_int_equal(2, rule->children[1]->attr_count);
    assert_attr(rule->children[1], L"Namespace", L"Root\\CIMv2");
    assert_prefix(L"SELECT * FROM Win32_ComputerSystem WHERE (Manufacturer >= 'Dell' AND Manufacturer < 'Dell~' )",
                  rule_attr(rule->children[1], L"WqlQuery"));

    assert_int_equal(1, package->item_count);
    item = &package->items[0];
    id = guid_of(L"{5968b32a-dc30-4186-8652-ecc4a7cdc684}");
    assert_guid(&id, &item->id);
    rule = item->is_installed;
    assert_non_null(rule);
    assert_int_equal(RULE_MSI_PRODUCT_INSTALLED, rule->kind);
    assert_int_equal(2, rule->attr_count);
    assert_attr(rule, L"ProductCode", L"{FB2B7CC0-8307-47e6-A065-11015CC96B99}");
    assert_attr(rule, L"VersionMin", L"1.6.6.5");
    assert_non_null(item->is_installable);
    assert_int_equal(RULE_WINDOWS_VERSION, item->is_installable->kind);
    assert_null(item->is_superseded);
    assert_true(item->install.present);
    assert_false(item->install.can_request_user_input);
    assert_false(item->install.requires_network);
    assert_int_equal(iiNormal, item->install.impact);
    assert_int_equal(irbNeverReboots, item->install.reboot);
    assert_false(item->uninstall.present);
    assert_int_equal(CATALOG_INSTALLER_MSI, item->installer);
    assert_wstr(L"DSIAPC_1.6.6.5.msi", item->msi_file);
    assert_wstr(L"{FB2B7CC0-8307-47e6-A065-11015CC96B99}", item->product_code);
    assert_wstr(L"Reboot=ReallySuppress", item->command_line);
    assert_null(item->uninstall_command_line);
    assert_null(item->program);
    assert_non_null(item->file);
    assert_wstr(L"DSIAPC_1.6.6.5.msi", item->file->name);
    assert_true(item->file->size == 26825728);
    assert_memory_equal(sha1, item->file->sha1, 20);
    assert_false(item->file->has_sha256);
    assert_wstr(L"http://downloads.dell.com/FOLDER05427436M/1/DSIAPC_1.6.6.5.msi", item->file->uri);
    assert_true(filetime_value(&item->file->modified) == utc(2019, 1, 24, 7, 52, 15));
    assert_int_equal(1, item->languages.count);
    assert_wstr(L"en", item->languages.items[0]);
    catalog_free(catalog);
}

static void dell_command_line_package(void **state)
{
    static const BYTE sha1[20] = { 0x58, 0x21, 0xa5, 0x55, 0xd2, 0x02, 0x82, 0x35, 0x58, 0xd1, 0x3d, 0x2a, 0xdc,
                                   0x33, 0x10, 0x13, 0xa8, 0xf2, 0xf0, 0xb6 };
    struct catalog *catalog = load_sample(L"OPENWUA_SAMPLES", L"dell-cmd-0e6cf4ac.sdp");
    const struct catalog_package *package;
    const struct catalog_item *item;
    GUID id;

    (void)state;
    assert_int_equal(1, catalog->package_count);
    package = &catalog->packages[0];
    id = guid_of(L"{0e6cf4ac-2853-48aa-825b-8fe28206575f}");
    assert_guid(&id, &package->id);
    assert_true(filetime_value(&package->created) == utc(2018, 10, 3, 6, 37, 49));     /* +00:00 */
    assert_wstr(L"Realtek High Definition Audio Driver,6.0.1.8454,A02", package->texts[0].title);
    assert_int_equal(RULE_AND, package->is_installable->kind);
    assert_int_equal(3, count_rules(package->is_installable, NULL));
    assert_int_equal(1, count_rules(package->is_installable, L"WmiQuery"));

    assert_int_equal(1, package->item_count);
    item = &package->items[0];
    id = guid_of(L"{3787be40-ec14-47c7-a24d-23210ef448e9}");
    assert_guid(&id, &item->id);
    assert_int_equal(RULE_AND, item->is_installed->kind);
    assert_int_equal(3, item->is_installed->child_count);
    assert_int_equal(825, count_rules(item->is_installed, NULL));
    assert_int_equal(409, count_rules(item->is_installed, L"WmiQuery"));
    assert_int_equal(204, count_rules(item->is_installed, L"Not"));
    assert_int_equal(210, count_rules(item->is_installable, NULL));
    assert_int_equal(205, count_rules(item->is_installable, L"WmiQuery"));
    assert_int_equal(615, count_rules(package->is_installable, L"WmiQuery")
                     + count_rules(item->is_installed, L"WmiQuery") + count_rules(item->is_installable, L"WmiQuery"));
    assert_int_equal(irbAlwaysRequiresReboot, item->install.reboot);

    assert_int_equal(CATALOG_INSTALLER_COMMAND_LINE, item->installer);
    assert_wstr(L"Realtek-High-Definition-Audio-Driver_99DDD_WIN_6.0.1.8454_A02_03.EXE", item->program);
    assert_wstr(L"/s", item->arguments);
    assert_int_equal(CATALOG_RESULT_FAILED, item->default_result);
    assert_false(item->reboot_by_default);
    assert_int_equal(2, item->return_code_count);
    assert_int_equal(0, item->return_codes[0].code);
    assert_int_equal(CATALOG_RESULT_SUCCEEDED, item->return_codes[0].result);
    assert_false(item->return_codes[0].reboot);
    assert_int_equal(2, item->return_codes[1].code);
    assert_int_equal(CATALOG_RESULT_SUCCEEDED, item->return_codes[1].result);
    assert_true(item->return_codes[1].reboot);
    assert_true(item->file->size == 166945344);
    assert_memory_equal(sha1, item->file->sha1, 20);
    assert_true(filetime_value(&item->file->modified) == utc(2018, 6, 19, 6, 22, 57));
    catalog_free(catalog);
}

static void hp_excerpt(void **state)
{
    struct catalog *catalog = load_sample(L"OPENWUA_SAMPLES", L"hp-catalog-v1-excerpt.xml");
    const struct catalog_package *package;
    const struct catalog_item *item;
    const struct rule *rule;
    GUID id;

    (void)state;
    assert_int_equal(4, catalog->package_count);

    package = &catalog->packages[0];
    id = guid_of(L"{00004850-0000-0000-5350-000000073580}");
    assert_guid(&id, &package->id);
    assert_true(filetime_value(&package->created) == utc(2015, 11, 24, 19, 29, 16));   /* no zone */
    assert_wstr(L"HP Business Clients", package->vendor);
    assert_wstr(L"Critical Updates", package->classification);
    assert_wstr(L"Critical", package->severity);
    assert_wstr(L"sp73580", package->kb_ids.items[0]);
    assert_int_equal(1, package->superseded_count);
    id = guid_of(L"{00004850-0000-0000-5350-000000054786}");
    assert_guid(&id, &package->superseded[0]);
    item = &package->items[0];
    assert_int_equal(iiRequiresExclusiveHandling, item->install.impact);
    assert_int_equal(irbAlwaysRequiresReboot, item->install.reboot);
    assert_wstr(L"-s -e cmd.exe -a /c \"hpqflash\\hpqflash.exe\" -s", item->arguments);
    assert_int_equal(2, item->return_code_count);
    assert_int_equal(3010, item->return_codes[0].code);
    assert_true(item->return_codes[0].reboot);
    assert_int_equal(1602, item->return_codes[1].code);
    assert_int_equal(CATALOG_RESULT_FAILED, item->return_codes[1].result);
    assert_int_equal(0, item->languages.count);
    rule = package->is_installable;
    assert_int_equal(RULE_AND, rule->kind);
    assert_int_equal(RULE_WMI_QUERY, rule->children[0]->kind);
    assert_int_equal(RULE_PROCESSOR, rule->children[1]->children[0]->kind);
    assert_attr(rule->children[1]->children[0], L"Architecture", L"0");

    /* FileVersion with a CSIDL */
    package = &catalog->packages[1];
    assert_int_equal(0, package->superseded_count);
    rule = package->items[0].is_installed;
    assert_int_equal(RULE_FILE_VERSION, rule->children[1]->kind);
    assert_int_equal(4, rule->children[1]->attr_count);
    assert_attr(rule->children[1], L"Csidl", L"37");
    assert_attr(rule->children[1], L"Path", L"drivers\\setup.exe");
    assert_attr(rule->children[1], L"Comparison", L"GreaterThanOrEqualTo");
    assert_attr(rule->children[1], L"Version", L"15.2.30.280");
    assert_wstr(L"Z1G3 USB3.1 Driver for Windows 7 [15.2.30.13.A1]", package->texts[0].title);
    assert_wstr(L"[15.2.30.13.A1] Z1G3 USB3.1 Driver \x2013 Windows 7", package->texts[0].description);

    /* RegSz, five return codes */
    package = &catalog->packages[3];
    id = guid_of(L"{00004850-0000-0000-5350-000000091556}");
    assert_guid(&id, &package->superseded[0]);
    assert_int_equal(2, count_rules(package->is_installable, L"RegSz")
                     + count_rules(package->items[0].is_installable, L"RegSz")
                     + count_rules(package->items[0].is_installed, L"RegSz"));
    item = &package->items[0];
    assert_int_equal(5, item->return_code_count);
    assert_int_equal(273, item->return_codes[4].code);
    assert_wstr(L"sp91570.exe", item->file->name);
    assert_true(item->file->size == 17743808);
    catalog_free(catalog);
}

static unsigned int find_regsz(const struct rule *rule, const struct rule **found)
{
    unsigned int i, count = 0;

    if (!rule) return 0;
    if (rule->kind == RULE_REG_SZ)
    {
        *found = rule;
        return 1;
    }
    for (i = 0; i < rule->child_count; i++) count += find_regsz(rule->children[i], found);
    return count;
}

static void hp_excerpt_regsz_attributes(void **state)
{
    struct catalog *catalog = load_sample(L"OPENWUA_SAMPLES", L"hp-catalog-v1-excerpt.xml");
    const struct catalog_package *package = &catalog->packages[3];
    const struct rule *regsz = NULL;
    unsigned int found;

    (void)state;
    found = find_regsz(package->is_installable, &regsz) + find_regsz(package->items[0].is_installable, &regsz)
            + find_regsz(package->items[0].is_installed, &regsz);
    assert_int_equal(2, found);
    assert_attr(regsz, L"Key", L"HKEY_LOCAL_MACHINE");
    assert_attr(regsz, L"Subkey", L"Software\\Microsoft\\Windows NT\\CurrentVersion");
    assert_attr(regsz, L"Value", L"ReleaseId");
    assert_attr(regsz, L"Comparison", L"EqualTo");
    catalog_free(catalog);
}

/* XmlLite alone, reading every node: the floor for loading the same file. */
static double plain_read_seconds(const WCHAR *path, unsigned int *elements)
{
    static const IID iid_xml_reader = {0x7279fc81, 0x709d, 0x4095, {0xb6, 0x3d, 0x69, 0xfe, 0x4b, 0x0d, 0x90, 0x30}};
    LARGE_INTEGER start;
    IXmlReader *reader;
    XmlNodeType type;
    IStream *stream;
    double seconds;

    QueryPerformanceCounter(&start);
    assert_hr(S_OK, SHCreateStreamOnFileEx(path, STGM_READ, 0, FALSE, NULL, &stream));
    assert_hr(S_OK, CreateXmlReader(&iid_xml_reader, (void **)&reader, NULL));
    assert_hr(S_OK, IXmlReader_SetInput(reader, (IUnknown *)stream));
    *elements = 0;
    while (IXmlReader_Read(reader, &type) == S_OK)
        if (type == XmlNodeType_Element) ++*elements;
    IXmlReader_Release(reader);
    IStream_Release(stream);
    seconds = seconds_since(&start);
    return seconds;
}

static void check_hp_full(const struct catalog *catalog)
{
    unsigned int i, j, items = 0, texts = 0, superseded = 0, codes = 0, rules = 0;
    const struct catalog_package *package;
    GUID id;

    assert_int_equal(1829, catalog->package_count);
    for (i = 0; i < catalog->package_count; i++)
    {
        package = &catalog->packages[i];
        items += package->item_count;
        texts += package->text_count;
        superseded += package->superseded_count;
        rules += count_rules(package->is_installable, NULL) + count_rules(package->is_installed, NULL);
        for (j = 0; j < package->item_count; j++)
        {
            codes += package->items[j].return_code_count;
            rules += count_rules(package->items[j].is_installed, NULL)
                     + count_rules(package->items[j].is_installable, NULL)
                     + count_rules(package->items[j].is_superseded, NULL);
            assert_non_null(package->items[j].file);
        }
    }
    assert_int_equal(1829, items);
    assert_int_equal(1846, texts);
    assert_int_equal(28319, superseded);
    assert_int_equal(20297, codes);
    assert_int_equal(67392, rules);
    id = guid_of(L"{00004850-0000-0000-5350-000000065001}");
    assert_guid(&id, &catalog->packages[0].id);
    id = guid_of(L"{00004850-0000-0000-5350-000000095046}");
    assert_guid(&id, &catalog->packages[1828].id);
}

static void hp_full_catalog(void **state)
{
    struct catalog *catalog = NULL;
    unsigned int elements;
    double plain, load;
    SIZE_T before, after, freed;
    WCHAR path[MAX_PATH];
    LARGE_INTEGER start;
    WIN32_FILE_ATTRIBUTE_DATA data;

    (void)state;
    sample_path(L"OPENWUA_SAMPLES_BUILT", L"HpCatalogForSms.xml", path);
    assert_true(GetFileAttributesExW(path, GetFileExInfoStandard, &data));
    plain_read_seconds(path, &elements);    /* warm the file cache */
    plain = plain_read_seconds(path, &elements);
    assert_int_equal(152261, elements);

    before = heap_in_use();
    QueryPerformanceCounter(&start);
    assert_hr(S_OK, catalog_load(path, &catalog));
    load = seconds_since(&start);
    after = heap_in_use();
    check_hp_full(catalog);
    catalog_free(catalog);
    freed = heap_in_use();
    print_message("HP catalog, %lu bytes: plain XmlLite read %.3f s, catalog_load %.3f s (%.1fx); "
                  "model %lu bytes on the heap (%.2fx the XML)\n", data.nFileSizeLow, plain, load, load / plain,
                  (unsigned long)(after - before), (double)(after - before) / data.nFileSizeLow);
    /* loose bounds, to catch a quadratic step or a copy of the document, not to benchmark */
    assert_true(load < 10 * plain + 0.5);
    assert_true(after - before < 3 * (SIZE_T)data.nFileSizeLow);
    assert_int_equal(before, freed);
}

static void hp_full_catalog_cab(void **state)
{
    struct catalog *catalog = NULL;
    WCHAR path[MAX_PATH];
    LARGE_INTEGER start;

    (void)state;
    sample_path(L"OPENWUA_SAMPLES_BUILT", L"hp-v1.cab", path);
    QueryPerformanceCounter(&start);
    assert_hr(S_OK, catalog_load(path, &catalog));
    print_message("HP catalog from an MSZIP cab: %.3f s\n", seconds_since(&start));
    check_hp_full(catalog);
    catalog_free(catalog);
}

static void dell_sdp_cab(void **state)
{
    struct catalog *catalog = load_sample(L"OPENWUA_SAMPLES_BUILT", L"dell-v2.cab");
    GUID msi = guid_of(L"{dc718411-a5f1-4b15-966a-63a77cbb156e}");
    GUID cmd = guid_of(L"{0e6cf4ac-2853-48aa-825b-8fe28206575f}");

    (void)state;
    assert_int_equal(2, catalog->package_count);
    assert_int_equal(CATALOG_INSTALLER_MSI, find_package(catalog, &msi)->items[0].installer);
    assert_int_equal(CATALOG_INSTALLER_COMMAND_LINE, find_package(catalog, &cmd)->items[0].installer);
    catalog_free(catalog);
}

/* The other files of the samples are no SDP catalogs: an offline scan cab
 * (its index.xml is no catalog) and a zip. */
static void samples_not_catalogs(void **state)
{
    static const WCHAR *const names[] = { L"wsusscn2-synthetic.cab", L"HpCatalogForSms-2019-02.zip" };
    struct catalog *catalog;
    WCHAR path[MAX_PATH];
    unsigned int i;

    (void)state;
    for (i = 0; i < ARRAY_SIZE(names); i++)
    {
        sample_path(L"OPENWUA_SAMPLES", names[i], path);
        catalog = (void *)0xdeadbeef;
        assert_hr(WU_E_XML_INVALID, catalog_load(path, &catalog));
        assert_null(catalog);
    }
}

/* Loading and freeing gives every byte back. */
static void samples_free_everything(void **state)
{
    static const WCHAR *const names[] =
        { L"dell-msi-dc718411.sdp", L"dell-cmd-0e6cf4ac.sdp", L"hp-catalog-v1-excerpt.xml" };
    struct catalog *catalog;
    WCHAR paths[3][MAX_PATH];
    SIZE_T before = 0, loaded;
    unsigned int i, round;

    (void)state;
    for (i = 0; i < ARRAY_SIZE(names); i++) sample_path(L"OPENWUA_SAMPLES", names[i], paths[i]);
    /* the first round warms up what XmlLite, FDI and the CRT keep for good */
    for (round = 0; round < 21; round++)
    {
        if (round == 1) before = heap_in_use();
        for (i = 0; i < ARRAY_SIZE(names); i++)
        {
            assert_hr(S_OK, catalog_load(paths[i], &catalog));
            if (round == 1 && i == 1)
            {
                loaded = heap_in_use();
                assert_true(loaded > before + 100000);     /* the measure sees the model */
            }
            catalog_free(catalog);
        }
    }
    assert_int_equal(before, heap_in_use());
}

/* --- generated catalogs --- */

static const char every_field[] = CATALOG(
    "<smc:SoftwareDistributionPackage SchemaVersion=\"1.2\">"
    "<sdp:Properties PackageID=\"{" ID1 "}\" CreationDate=\" 2021-06-07T08:09:10.5+02:00 \" VendorName=\"Vendor\""
    " PublicationState=\"Published\" UpdateType=\"Driver\" CanSourceBeRequired=\"true\">"
    "<sdp:MoreInfoUrl>https://example.com/a</sdp:MoreInfoUrl><sdp:MoreInfoUrl> https://example.com/b </sdp:MoreInfoUrl>"
    "<sdp:SupportUrl>https://example.com/support</sdp:SupportUrl>"
    "<sdp:ProductName>Product A</sdp:ProductName><sdp:ProductName>Product B</sdp:ProductName>"
    "</sdp:Properties>"
    "<sdp:LocalizedProperties><sdp:Language>en</sdp:Language><sdp:Title>English &amp; title</sdp:Title>"
    "<sdp:Description><![CDATA[<b>raw</b>]]> text</sdp:Description></sdp:LocalizedProperties>"
    "<sdp:LocalizedProperties><sdp:Language>de-DE</sdp:Language><sdp:Title>Deutscher Titel \xc3\xa4</sdp:Title>"
    "</sdp:LocalizedProperties>"
    "<sdp:UpdateSpecificData MsrcSeverity=\"Moderate\" UpdateClassification=\"Security Updates\">"
    "<sdp:SecurityBulletinID>MS-01</sdp:SecurityBulletinID><sdp:CveID>CVE-2021-0001</sdp:CveID>"
    "<sdp:CveID>CVE-2021-0002</sdp:CveID><sdp:KBArticleID>123456</sdp:KBArticleID>"
    "</sdp:UpdateSpecificData>"
    "<sdp:IsInstallable><lar:Or><lar:True/><lar:Not><lar:False/></lar:Not></lar:Or></sdp:IsInstallable>"
    "<sdp:IsInstalled><bar:RegKeyExists Key=\"HKEY_LOCAL_MACHINE\" Subkey=\"Software\\Vendor\"/></sdp:IsInstalled>"
    "<sdp:SupersededPackages><sdp:PackageID>" ID2 "</sdp:PackageID><sdp:PackageID>" ID3 "</sdp:PackageID>"
    "</sdp:SupersededPackages>"
    "<sdp:Prerequisites><sdp:AtLeastOne><sdp:PackageID>" ID3 "</sdp:PackageID></sdp:AtLeastOne></sdp:Prerequisites>"
    "<sdp:InstallableItem ID=\"" ID2 "\">"
    "<sdp:ApplicabilityRules>"
    "<sdp:IsInstalled><bar:FileExists Path=\"a.dll\" Csidl=\"37\"/></sdp:IsInstalled>"
    "<sdp:IsSuperseded>"
    "<bar:RegDword Key=\"HKEY_LOCAL_MACHINE\" Subkey=\"S\" Value=\"V\" Comparison=\"EqualTo\" Data=\"1\"/>"
    "</sdp:IsSuperseded>"
    "<sdp:IsInstallable><bar:WindowsLanguage Language=\"en\"/></sdp:IsInstallable>"
    "<sdp:Metadata><msiar:MsiPatchMetadata><anything/></msiar:MsiPatchMetadata></sdp:Metadata>"
    "</sdp:ApplicabilityRules>"
    "<sdp:InstallProperties CanRequestUserInput=\"true\" RequiresNetworkConnectivity=\"1\" Impact=\"Minor\""
    " RebootBehavior=\"NeverReboots\"/>"
    "<sdp:UninstallProperties CanRequestUserInput=\"0\" Impact=\"RequiresExclusiveHandling\""
    " RebootBehavior=\"AlwaysRequiresReboot\"/>"
    "<cmd:CommandLineInstallerData Program=\"setup.exe\" Arguments=\" /quiet \" DefaultResult=\"Succeeded\""
    " RebootByDefault=\"true\">"
    "<cmd:ReturnCode Code=\"-2147024891\" Result=\"Cancelled\" Reboot=\"false\"/>"
    "<cmd:ReturnCode Code=\"3010\" Result=\"Succeeded\" Reboot=\"true\"><cmd:Description>x</cmd:Description>"
    "</cmd:ReturnCode>"
    "<cmd:ReturnCode Code=\"1\" Result=\"Failed\"/>"
    "<cmd:WindowsInstallerRepairPath>x</cmd:WindowsInstallerRepairPath>"
    "</cmd:CommandLineInstallerData>"
    "<sdp:OriginFile Digest=\"" DIGEST "\" FileName=\"setup.exe\" Size=\"18446744073709551615\""
    " Modified=\"2021-01-01T00:00:00Z\" OriginUri=\"https://example.com/setup.exe\">"
    "<sdp:AdditionalDigest Algorithm=\"SHA512\">AAAA</sdp:AdditionalDigest>"
    "<sdp:AdditionalDigest Algorithm=\"SHA256\">47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=</sdp:AdditionalDigest>"
    "</sdp:OriginFile>"
    "<sdp:Language>en</sdp:Language><sdp:Language>de</sdp:Language>"
    "</sdp:InstallableItem>"
    "<sdp:InstallableItem ID=\"" ID3 "\">"
    "<msi:MsiInstallerData MsiFile=\"a.msi\" ProductCode=\"{" ID3 "}\" CommandLine=\"A=1\""
    " UninstallCommandLine=\"B=2\"/>"
    "</sdp:InstallableItem>"
    "<sdp:InstallableItem ID=\"" ID1 "\">"
    "<msp:MspInstallerData PatchCode=\"{" ID1 "}\" CommandLine=\"C=3\" UninstallCommandLine=\"D=4\">"
    "<msp:MspFileName>a.msp</msp:MspFileName></msp:MspInstallerData>"
    "</sdp:InstallableItem>"
    "<ext:Eula>  Line one\r\nline two  </ext:Eula>"
    "</smc:SoftwareDistributionPackage>"
    "<smc:SoftwareDistributionPackage>" PROPS(ID2) LOCALIZED "<sdp:ApplicationSpecificData/>"
    "</smc:SoftwareDistributionPackage>");

static void every_field_is_mapped(void **state)
{
    static const BYTE sha1[20] = { 0xda, 0x39, 0xa3, 0xee, 0x5e, 0x6b, 0x4b, 0x0d, 0x32, 0x55, 0xbf, 0xef, 0x95,
                                   0x60, 0x18, 0x90, 0xaf, 0xd8, 0x07, 0x09 };
    static const BYTE sha256[32] = { 0xe3, 0xb0, 0xc4, 0x42, 0x98, 0xfc, 0x1c, 0x14, 0x9a, 0xfb, 0xf4, 0xc8, 0x99,
                                     0x6f, 0xb9, 0x24, 0x27, 0xae, 0x41, 0xe4, 0x64, 0x9b, 0x93, 0x4c, 0xa4, 0x95,
                                     0x99, 0x1b, 0x78, 0x52, 0xb8, 0x55 };
    struct catalog *catalog = load_good_xml(every_field);
    const struct catalog_package *package;
    const struct catalog_item *item;

    (void)state;
    assert_int_equal(2, catalog->package_count);
    package = &catalog->packages[0];
    assert_guid(&id1, &package->id);
    assert_int_equal(1, package->revision);
    assert_int_equal(utDriver, package->type);
    assert_true(filetime_value(&package->created) == utc(2021, 6, 7, 6, 9, 10) + 5000000);
    assert_wstr(L"Vendor", package->vendor);
    assert_int_equal(2, package->more_info_urls.count);
    assert_wstr(L"https://example.com/a", package->more_info_urls.items[0]);
    assert_wstr(L"https://example.com/b", package->more_info_urls.items[1]);
    assert_wstr(L"https://example.com/support", package->support_url);
    assert_int_equal(2, package->products.count);
    assert_wstr(L"Product B", package->products.items[1]);
    assert_int_equal(2, package->text_count);
    assert_wstr(L"English & title", package->texts[0].title);
    assert_wstr(L"<b>raw</b> text", package->texts[0].description);
    assert_wstr(L"de-DE", package->texts[1].language);
    assert_wstr(L"Deutscher Titel \x00e4", package->texts[1].title);
    assert_wstr(L"", package->texts[1].description);
    assert_wstr(L"Security Updates", package->classification);
    assert_wstr(L"Moderate", package->severity);
    assert_int_equal(1, package->kb_ids.count);
    assert_wstr(L"123456", package->kb_ids.items[0]);
    assert_int_equal(1, package->bulletin_ids.count);
    assert_wstr(L"MS-01", package->bulletin_ids.items[0]);
    assert_int_equal(2, package->cve_ids.count);
    assert_wstr(L"CVE-2021-0002", package->cve_ids.items[1]);
    assert_int_equal(RULE_OR, package->is_installable->kind);
    assert_int_equal(RULE_TRUE, package->is_installable->children[0]->kind);
    assert_int_equal(RULE_NOT, package->is_installable->children[1]->kind);
    assert_int_equal(RULE_FALSE, package->is_installable->children[1]->children[0]->kind);
    assert_int_equal(RULE_REG_KEY_EXISTS, package->is_installed->kind);
    assert_attr(package->is_installed, L"Subkey", L"Software\\Vendor");
    assert_int_equal(2, package->superseded_count);
    assert_guid(&id2, &package->superseded[0]);
    assert_guid(&id3, &package->superseded[1]);
    assert_wstr(L"  Line one\nline two  ", package->eula);

    assert_int_equal(3, package->item_count);
    item = &package->items[0];
    assert_guid(&id2, &item->id);
    assert_int_equal(RULE_FILE_EXISTS, item->is_installed->kind);
    assert_int_equal(RULE_REG_DWORD, item->is_superseded->kind);
    assert_int_equal(5, item->is_superseded->attr_count);
    assert_int_equal(RULE_WINDOWS_LANGUAGE, item->is_installable->kind);
    assert_true(item->install.present);
    assert_true(item->install.can_request_user_input);
    assert_true(item->install.requires_network);
    assert_int_equal(iiMinor, item->install.impact);
    assert_int_equal(irbNeverReboots, item->install.reboot);
    assert_true(item->uninstall.present);
    assert_false(item->uninstall.can_request_user_input);
    assert_false(item->uninstall.requires_network);
    assert_int_equal(iiRequiresExclusiveHandling, item->uninstall.impact);
    assert_int_equal(irbAlwaysRequiresReboot, item->uninstall.reboot);
    assert_int_equal(CATALOG_INSTALLER_COMMAND_LINE, item->installer);
    assert_wstr(L"setup.exe", item->program);
    assert_wstr(L" /quiet ", item->arguments);      /* as written: it is a command line */
    assert_int_equal(CATALOG_RESULT_SUCCEEDED, item->default_result);
    assert_true(item->reboot_by_default);
    assert_int_equal(3, item->return_code_count);
    assert_int_equal((LONG)0x80070005, item->return_codes[0].code);
    assert_int_equal(CATALOG_RESULT_CANCELLED, item->return_codes[0].result);
    assert_false(item->return_codes[0].reboot);
    assert_int_equal(3010, item->return_codes[1].code);
    assert_true(item->return_codes[1].reboot);
    assert_int_equal(1, item->return_codes[2].code);
    assert_int_equal(CATALOG_RESULT_FAILED, item->return_codes[2].result);
    assert_false(item->return_codes[2].reboot);     /* Reboot left out */
    assert_non_null(item->file);
    assert_wstr(L"setup.exe", item->file->name);
    assert_true(item->file->size == ~0ull);
    assert_memory_equal(sha1, item->file->sha1, 20);
    assert_true(item->file->has_sha256);
    assert_memory_equal(sha256, item->file->sha256, 32);
    assert_wstr(L"https://example.com/setup.exe", item->file->uri);
    assert_true(filetime_value(&item->file->modified) == utc(2021, 1, 1, 0, 0, 0));
    assert_int_equal(2, item->languages.count);
    assert_wstr(L"de", item->languages.items[1]);

    item = &package->items[1];
    assert_guid(&id3, &item->id);
    assert_null(item->is_installed);
    assert_null(item->is_superseded);
    assert_null(item->is_installable);
    assert_false(item->install.present);
    assert_int_equal(iiNormal, item->install.impact);
    assert_int_equal(irbCanRequestReboot, item->install.reboot);
    assert_int_equal(irbCanRequestReboot, item->uninstall.reboot);
    assert_int_equal(CATALOG_INSTALLER_MSI, item->installer);
    assert_wstr(L"a.msi", item->msi_file);
    assert_wstr(L"{" ID3 "}", item->product_code);
    assert_wstr(L"A=1", item->command_line);
    assert_wstr(L"B=2", item->uninstall_command_line);
    assert_null(item->file);
    assert_int_equal(0, item->languages.count);

    item = &package->items[2];
    assert_int_equal(CATALOG_INSTALLER_MSP, item->installer);
    assert_wstr(L"a.msp", item->msi_file);
    assert_wstr(L"{" ID1 "}", item->product_code);
    assert_wstr(L"C=3", item->command_line);
    assert_wstr(L"D=4", item->uninstall_command_line);

    package = &catalog->packages[1];
    assert_guid(&id2, &package->id);
    assert_null(package->classification);
    assert_null(package->severity);
    assert_null(package->vendor);
    assert_null(package->support_url);
    assert_null(package->eula);
    assert_null(package->is_installable);
    assert_int_equal(utSoftware, package->type);
    assert_int_equal(0, package->item_count);
    catalog_free(catalog);
}

static void command_line_defaults(void **state)
{
    struct catalog *catalog = load_good_xml(CATALOG(ITEM_PACKAGE("<cmd:CommandLineInstallerData Program=\"x.exe\"/>")));
    const struct catalog_item *item = &catalog->packages[0].items[0];

    (void)state;
    assert_int_equal(CATALOG_INSTALLER_COMMAND_LINE, item->installer);
    assert_null(item->arguments);
    assert_int_equal(CATALOG_RESULT_FAILED, item->default_result);
    assert_false(item->reboot_by_default);
    assert_int_equal(0, item->return_code_count);
    catalog_free(catalog);
}

#define DATED_CATALOG CATALOG(PACKAGE_WITH("<sdp:Properties PackageID=\"" ID1 "\" CreationDate=\"%s\"/>", ""))

static void every_date_form(void **state)
{
    static const struct
    {
        const char *text;
        WORD year, month, day, hour, minute, second;
        ULONGLONG ticks;        /* added */
    }
    dates[] =
    {
        { "2019-01-24T07:52:15Z", 2019, 1, 24, 7, 52, 15, 0 },
        { "2018-10-03T06:37:49+00:00", 2018, 10, 3, 6, 37, 49, 0 },
        { "2015-11-24T19:29:16", 2015, 11, 24, 19, 29, 16, 0 },
        { "2015-11-24T19:29:16+05:30", 2015, 11, 24, 13, 59, 16, 0 },
        { "2015-11-24T01:00:00-02:00", 2015, 11, 24, 3, 0, 0, 0 },
        { "2016-01-01T00:30:00+01:00", 2015, 12, 31, 23, 30, 0, 0 },
        { "2020-02-29T12:00:00.1234567Z", 2020, 2, 29, 12, 0, 0, 1234567 },
        { "2020-02-29T12:00:00.123456789", 2020, 2, 29, 12, 0, 0, 1234567 },
        { "2020-02-29T12:00:00.5-14:00", 2020, 3, 1, 2, 0, 0, 5000000 },
        { "2020-12-31T24:00:00Z", 2021, 1, 1, 0, 0, 0, 0 },
        { "\n 2020-01-01T00:00:00Z \t", 2020, 1, 1, 0, 0, 0, 0 },
    };
    static const char *const bad[] =
    {
        "2019-01-24", "2019-01-24 07:52:15", "19-01-24T07:52:15", "2019-1-24T07:52:15", "2019-13-01T00:00:00",
        "2019-02-29T00:00:00", "2019-01-24T25:00:00", "2019-01-24T24:00:01", "2019-01-24T07:60:00",
        "2019-01-24T07:52:60", "2019-01-24T07:52:15.", "2019-01-24T07:52:15z", "2019-01-24T07:52:15+0100",
        "2019-01-24T07:52:15+15:00", "2019-01-24T07:52:15Zx", "", "1500-01-01T00:00:00",
    };
    char xml[4096];
    unsigned int i;

    (void)state;
    for (i = 0; i < ARRAY_SIZE(dates); i++)
    {
        struct catalog *catalog;

        snprintf(xml, sizeof(xml), DATED_CATALOG,
                 dates[i].text);
        if (load_xml(xml, &catalog) != S_OK) fail_msg("date %s refused", dates[i].text);
        if (filetime_value(&catalog->packages[0].created) != utc(dates[i].year, dates[i].month, dates[i].day,
            dates[i].hour, dates[i].minute, dates[i].second) + dates[i].ticks)
            fail_msg("date %s", dates[i].text);
        catalog_free(catalog);
    }
    for (i = 0; i < ARRAY_SIZE(bad); i++)
    {
        snprintf(xml, sizeof(xml), DATED_CATALOG,
                 bad[i]);
        check_bad_xml(bad[i], xml, WU_E_XML_INVALID);
    }
}

/* The same package, however its namespaces are declared and whatever the prefixes. */
static void namespaces_by_uri(void **state)
{
    static const char *const documents[] =
    {
        CATALOG(ITEM_PACKAGE("<cmd:CommandLineInstallerData Program=\"x.exe\"/>")),
        /* declared again on each element, as Dell does */
        "<smc:SystemsManagementCatalog xmlns:smc=\"" SMC_URI "\">"
        "<smc:SoftwareDistributionPackage xmlns:sdp=\"" SDP_URI "\">"
        "<sdp:Properties xmlns:sdp=\"" SDP_URI "\" PackageID=\"" ID1 "\"/>"
        "<sdp:LocalizedProperties xmlns:sdp=\"" SDP_URI "\"><sdp:Title>T</sdp:Title></sdp:LocalizedProperties>"
        "<sdp:UpdateSpecificData xmlns:sdp=\"" SDP_URI "\" UpdateClassification=\"Updates\"/>"
        "<sdp:InstallableItem xmlns:sdp=\"" SDP_URI "\" ID=\"" ID2 "\">"
        "<cmd:CommandLineInstallerData xmlns:cmd=\"" CMD_URI "\" Program=\"x.exe\"/></sdp:InstallableItem>"
        "</smc:SoftwareDistributionPackage></smc:SystemsManagementCatalog>",
        /* other prefixes, and default namespaces */
        "<c:SystemsManagementCatalog xmlns:c=\"" SMC_URI "\" xmlns:p=\"" SDP_URI "\" xmlns:i=\"" CMD_URI "\">"
        "<c:SoftwareDistributionPackage>"
        "<Properties xmlns=\"" SDP_URI "\" PackageID=\"" ID1 "\"/>"
        "<p:LocalizedProperties><p:Title>T</p:Title></p:LocalizedProperties>"
        "<p:UpdateSpecificData UpdateClassification=\"Updates\"/>"
        "<InstallableItem xmlns=\"" SDP_URI "\" ID=\"" ID2 "\"><i:CommandLineInstallerData Program=\"x.exe\"/>"
        "</InstallableItem></c:SoftwareDistributionPackage></c:SystemsManagementCatalog>",
        /* the standalone package root */
        "<sdp:SoftwareDistributionPackage " ALL_NS " SchemaVersion=\"1.0\">" PROPS(ID1) LOCALIZED UPDATE_DATA
        "<sdp:InstallableItem ID=\"" ID2 "\"><cmd:CommandLineInstallerData Program=\"x.exe\"/></sdp:InstallableItem>"
        "</sdp:SoftwareDistributionPackage>",
        /* the package in the sdp namespace inside a catalog */
        CATALOG("<sdp:SoftwareDistributionPackage>" PROPS(ID1) LOCALIZED UPDATE_DATA
                "<sdp:InstallableItem ID=\"" ID2 "\"><cmd:CommandLineInstallerData Program=\"x.exe\"/>"
                "</sdp:InstallableItem></sdp:SoftwareDistributionPackage>"),
    };
    unsigned int i;

    (void)state;
    for (i = 0; i < ARRAY_SIZE(documents); i++)
    {
        struct catalog *catalog = load_good_xml(documents[i]);

        assert_int_equal(1, catalog->package_count);
        assert_guid(&id1, &catalog->packages[0].id);
        assert_wstr(L"T", catalog->packages[0].texts[0].title);
        assert_wstr(L"Updates", catalog->packages[0].classification);
        assert_int_equal(1, catalog->packages[0].item_count);
        assert_wstr(L"x.exe", catalog->packages[0].items[0].program);
        catalog_free(catalog);
    }
}

/* Elements with the right prefixes but other namespaces are not SDP elements. */
static void prefixes_alone_mean_nothing(void **state)
{
    struct catalog *catalog;

    (void)state;
    check_bad_xml("root", "<smc:SystemsManagementCatalog xmlns:smc=\"urn:other\"/>", WU_E_XML_INVALID);
    /* the item's installer is in another namespace: passed over (a prefix the
     * root binds is not bound again: Wine's XmlLite resolves a prefix to its
     * outermost declaration) */
    catalog = load_good_xml("<smc:SystemsManagementCatalog xmlns:smc=\"" SMC_URI "\" xmlns:sdp=\"" SDP_URI "\">"
        ITEM_PACKAGE("<cmd:CommandLineInstallerData xmlns:cmd=\"urn:other\" Program=\"x.exe\"/>") CATALOG_CLOSE);
    assert_int_equal(CATALOG_INSTALLER_NONE, catalog->packages[0].items[0].installer);
    catalog_free(catalog);
    /* no Properties in the SDP namespace */
    check_bad_xml("properties", "<smc:SystemsManagementCatalog xmlns:smc=\"" SMC_URI "\">"
                  "<smc:SoftwareDistributionPackage><sdp:Properties xmlns:sdp=\"urn:other\" PackageID=\"" ID1 "\"/>"
                  "<sdp:LocalizedProperties xmlns:sdp=\"" SDP_URI "\"><sdp:Title>T</sdp:Title>"
                  "</sdp:LocalizedProperties>"
                  "<sdp:UpdateSpecificData xmlns:sdp=\"" SDP_URI "\" UpdateClassification=\"Updates\"/>"
                  "</smc:SoftwareDistributionPackage>" CATALOG_CLOSE, WU_E_XML_MISSINGDATA);
}

static void rules_kept_as_written(void **state)
{
    struct catalog *catalog = load_good_xml(CATALOG(PACKAGE_WITH(PROPS(ID1),
        "<sdp:IsInstallable><lar:And xmlns:extra=\"urn:extra\" extra:note=\"x\">"
        "<bar:NoSuchRule A=\"1\" B=\"\"><lar:True/></bar:NoSuchRule>"
        "<other:Thing xmlns:other=\"urn:other\" C=\"3\"/>"
        "<bar:WmiQuery Namespace=\"root\\cimv2\" WqlQuery=\"SELECT * FROM X WHERE A &lt; 'b' AND C = &quot;d&quot;\"/>"
        "</lar:And></sdp:IsInstallable>")));
    const struct rule *rule = catalog->packages[0].is_installable;

    (void)state;
    assert_int_equal(RULE_AND, rule->kind);
    assert_int_equal(0, rule->attr_count);          /* xmlns:extra and extra:note left out */
    assert_int_equal(3, rule->child_count);
    assert_int_equal(RULE_UNKNOWN, rule->children[0]->kind);
    assert_wstr(L"NoSuchRule", rule->children[0]->name);
    assert_int_equal(2, rule->children[0]->attr_count);
    assert_attr(rule->children[0], L"A", L"1");
    assert_attr(rule->children[0], L"B", L"");
    assert_int_equal(1, rule->children[0]->child_count);
    assert_int_equal(RULE_TRUE, rule->children[0]->children[0]->kind);
    assert_int_equal(RULE_UNKNOWN, rule->children[1]->kind);
    assert_wstr(L"Thing", rule->children[1]->name);
    assert_attr(rule->children[1], L"C", L"3");
    assert_int_equal(RULE_WMI_QUERY, rule->children[2]->kind);
    assert_attr(rule->children[2], L"WqlQuery", L"SELECT * FROM X WHERE A < 'b' AND C = \"d\"");
    catalog_free(catalog);
}

static void eula_extension(void **state)
{
    struct catalog *catalog;

    (void)state;
    catalog = load_good_xml(CATALOG(PACKAGE_WITH(PROPS(ID1), "<ext:Eula/>") PACKAGE(ID2)
        PACKAGE_WITH(PROPS(ID3), "<e:Eula xmlns:e=\"" EXT_URI "\">Terms &lt;1&gt;</e:Eula>"
                                 "<e:Future xmlns:e=\"" EXT_URI "\"/>")
        "<smc:SoftwareDistributionPackage>" PROPS("44444444-2222-3333-4444-555555555555") LOCALIZED UPDATE_DATA
        "<sdp:Eula>not ours</sdp:Eula><Eula>nor this</Eula></smc:SoftwareDistributionPackage>"));
    assert_int_equal(4, catalog->package_count);
    assert_wstr(L"", catalog->packages[0].eula);
    assert_null(catalog->packages[1].eula);
    assert_wstr(L"Terms <1>", catalog->packages[2].eula);
    assert_null(catalog->packages[3].eula);
    catalog_free(catalog);
}

static void expired_and_detectoids_left_out(void **state)
{
    struct catalog *catalog = load_good_xml(CATALOG(
        PACKAGE_WITH("<sdp:Properties PackageID=\"" ID1 "\" PublicationState=\"Expired\"/>", "")
        /* nothing after Properties is read: not even what would be an error */
        "<smc:SoftwareDistributionPackage><sdp:Properties PackageID=\"" ID1 "\" UpdateType=\"Detectoid\"/>"
        "<sdp:InstallableItem/></smc:SoftwareDistributionPackage>"
        PACKAGE_WITH("<sdp:Properties PackageID=\"" ID2 "\" PublicationState=\"Published\"/>", "")
        PACKAGE_WITH("<sdp:Properties PackageID=\"" ID3 "\" UpdateType=\"Software\"/>", "")));

    (void)state;
    assert_int_equal(2, catalog->package_count);
    assert_guid(&id2, &catalog->packages[0].id);
    assert_guid(&id3, &catalog->packages[1].id);
    catalog_free(catalog);
}

static void utf16_documents(void **state)
{
    static const char xml[] = "<?xml version=\"1.0\" encoding=\"UTF-16\"?>" ROOT_OPEN PACKAGE(ID1) CATALOG_CLOSE;
    static const char declaration[] = "<?xml version=\"1.0\" encoding=\"UTF-16\"?>";
    struct catalog *catalog;
    WCHAR text[4096], path[MAX_PATH];
    int length;

    (void)state;
    text[0] = 0xfeff;
    length = MultiByteToWideChar(CP_UTF8, 0, xml, -1, text + 1, ARRAY_SIZE(text) - 1);
    assert_true(length > 0);
    write_fixture(L"utf16.xml", text, length * sizeof(WCHAR), path);    /* BOM and text, no NUL */
    assert_hr(S_OK, catalog_load(path, &catalog));
    assert_int_equal(1, catalog->package_count);
    assert_guid(&id1, &catalog->packages[0].id);
    catalog_free(catalog);
    /* no BOM */
    write_fixture(L"utf16.xml", text + 1, (length - 1) * sizeof(WCHAR), path);
    assert_hr(S_OK, catalog_load(path, &catalog));
    catalog_free(catalog);
    /* nothing but the declaration */
    length = MultiByteToWideChar(CP_UTF8, 0, declaration, -1, text + 1, ARRAY_SIZE(text) - 1);
    write_fixture(L"utf16.xml", text, length * sizeof(WCHAR), path);
    catalog = (void *)0xdeadbeef;
    assert_hr(WU_E_XML_INVALID, catalog_load(path, &catalog));
    assert_null(catalog);
}

/* Texts and values longer than the chunks the reader reads the file in. */
static void long_values(void **state)
{
    static const char head[] = CATALOG_OPEN "<smc:SoftwareDistributionPackage>" PROPS(ID1) LOCALIZED UPDATE_DATA
                               "<sdp:IsInstalled><bar:WmiQuery WqlQuery=\"";
    static const char middle[] = "\"/></sdp:IsInstalled><ext:Eula>";
    static const char tail[] = "</ext:Eula></smc:SoftwareDistributionPackage>" CATALOG_CLOSE;
    const size_t query = 50000, eula = 200000;
    struct catalog *catalog;
    const WCHAR *value;
    char *xml, *p;
    size_t i;

    (void)state;
    xml = p = malloc(sizeof(head) + query + sizeof(middle) + eula + sizeof(tail));
    assert_non_null(xml);
    p += sprintf(p, "%s", head);
    for (i = 0; i < query; i++) *p++ = 'a' + i % 26;
    p += sprintf(p, "%s", middle);
    for (i = 0; i < eula; i++) *p++ = i % 80 == 79 ? '\n' : 'A' + i % 26;
    sprintf(p, "%s", tail);
    catalog = load_good_xml(xml);
    free(xml);
    value = rule_attr(catalog->packages[0].is_installed, L"WqlQuery");
    assert_int_equal(query, wcslen(value));
    for (i = 0; i < query; i++)
        if (value[i] != 'a' + i % 26) fail_msg("query differs at %u", (unsigned int)i);
    value = catalog->packages[0].eula;
    assert_int_equal(eula, wcslen(value));
    for (i = 0; i < eula; i++)
        if (value[i] != (i % 80 == 79 ? '\n' : 'A' + i % 26)) fail_msg("EULA differs at %u", (unsigned int)i);
    catalog_free(catalog);
}

static void empty_catalog(void **state)
{
    struct catalog *catalog = load_good_xml(CATALOG(""));

    (void)state;
    assert_int_equal(0, catalog->package_count);
    catalog_free(catalog);
}

static const struct
{
    const char *what;
    const char *xml;
    HRESULT hr;
}
bad_xml[] =
{
    { "not XML", "this is not XML at all", WU_E_XML_INVALID },
    { "empty", "", WU_E_XML_INVALID },
    { "only a declaration", "<?xml version=\"1.0\"?>", WU_E_XML_INVALID },
    { "truncated", CATALOG_OPEN PACKAGE(ID1), WU_E_XML_INVALID },
    { "truncated in a package", CATALOG_OPEN "<smc:SoftwareDistributionPackage>" PROPS(ID1), WU_E_XML_INVALID },
    { "mismatched end", CATALOG_OPEN PACKAGE(ID1) "</smc:SoftwareDistributionPackage>", WU_E_XML_INVALID },
    { "second root", CATALOG(PACKAGE(ID1)) "<smc:SystemsManagementCatalog/>", WU_E_XML_INVALID },
    { "text after the root", CATALOG(PACKAGE(ID1)) "junk", WU_E_XML_INVALID },
    { "undeclared prefix", CATALOG("<x:Thing/>"), WU_E_XML_INVALID },
    { "unknown root", "<Catalog/>", WU_E_XML_INVALID },
    { "no PackageID", CATALOG(PACKAGE_WITH("<sdp:Properties/>", "")), WU_E_XML_MISSINGDATA },
    { "no Properties", CATALOG("<smc:SoftwareDistributionPackage>" LOCALIZED UPDATE_DATA
                               "</smc:SoftwareDistributionPackage>"),
      WU_E_XML_MISSINGDATA },
    { "bad PackageID", CATALOG(PACKAGE(ID1 "0")), WU_E_XML_INVALID },
    { "PackageID not hex", CATALOG(PACKAGE("1111111x-2222-3333-4444-555555555555")), WU_E_XML_INVALID },
    { "PackageID with one brace", CATALOG(PACKAGE("{" ID1)), WU_E_XML_INVALID },
    { "two Properties", CATALOG(PACKAGE_WITH(PROPS(ID1) PROPS(ID1), "")), WU_E_XML_INVALID },
    { "bad UpdateType", CATALOG(PACKAGE_WITH("<sdp:Properties PackageID=\"" ID1 "\" UpdateType=\"software\"/>", "")),
      WU_E_XML_INVALID },
    { "no LocalizedProperties", CATALOG("<smc:SoftwareDistributionPackage>" PROPS(ID1) UPDATE_DATA
                                        "</smc:SoftwareDistributionPackage>"), WU_E_XML_MISSINGDATA },
    { "no Title", CATALOG("<smc:SoftwareDistributionPackage>" PROPS(ID1) "<sdp:LocalizedProperties><sdp:Language>en"
                          "</sdp:Language></sdp:LocalizedProperties>" UPDATE_DATA "</smc:SoftwareDistributionPackage>"),
      WU_E_XML_MISSINGDATA },
    { "two Titles", CATALOG("<smc:SoftwareDistributionPackage>" PROPS(ID1) "<sdp:LocalizedProperties><sdp:Title>a"
                            "</sdp:Title><sdp:Title>b</sdp:Title></sdp:LocalizedProperties>" UPDATE_DATA
                            "</smc:SoftwareDistributionPackage>"), WU_E_XML_INVALID },
    { "no update data", CATALOG("<smc:SoftwareDistributionPackage>" PROPS(ID1) LOCALIZED
                                "</smc:SoftwareDistributionPackage>"), WU_E_XML_MISSINGDATA },
    { "both kinds of data", CATALOG(PACKAGE_WITH(PROPS(ID1), "<sdp:ApplicationSpecificData/>")), WU_E_XML_INVALID },
    { "no UpdateClassification", CATALOG("<smc:SoftwareDistributionPackage>" PROPS(ID1) LOCALIZED
                                         "<sdp:UpdateSpecificData/></smc:SoftwareDistributionPackage>"),
      WU_E_XML_MISSINGDATA },
    { "empty IsInstalled", CATALOG(PACKAGE_WITH(PROPS(ID1), "<sdp:IsInstalled/>")), WU_E_XML_INVALID },
    { "IsInstalled with two rules", CATALOG(PACKAGE_WITH(PROPS(ID1), "<sdp:IsInstalled><lar:True/><lar:False/>"
                                                         "</sdp:IsInstalled>")), WU_E_XML_INVALID },
    { "two IsInstallable", CATALOG(PACKAGE_WITH(PROPS(ID1), "<sdp:IsInstallable><lar:True/></sdp:IsInstallable>"
                                                "<sdp:IsInstallable><lar:True/></sdp:IsInstallable>")),
      WU_E_XML_INVALID },
    { "bad superseded ID", CATALOG(PACKAGE_WITH(PROPS(ID1), "<sdp:SupersededPackages><sdp:PackageID>x"
                                                "</sdp:PackageID></sdp:SupersededPackages>")), WU_E_XML_INVALID },
    { "item without ID", CATALOG(PACKAGE_WITH(PROPS(ID1), "<sdp:InstallableItem/>")), WU_E_XML_MISSINGDATA },
    { "item with a bad ID", CATALOG(PACKAGE_WITH(PROPS(ID1), "<sdp:InstallableItem ID=\"1\"/>")), WU_E_XML_INVALID },
    { "OriginFile without Digest", CATALOG(ITEM_PACKAGE("<sdp:OriginFile FileName=\"a\" Size=\"1\"/>")),
      WU_E_XML_MISSINGDATA },
    { "OriginFile without FileName", CATALOG(ITEM_PACKAGE("<sdp:OriginFile Digest=\"" DIGEST "\" Size=\"1\"/>")),
      WU_E_XML_MISSINGDATA },
    { "OriginFile without Size", CATALOG(ITEM_PACKAGE("<sdp:OriginFile Digest=\"" DIGEST "\" FileName=\"a\"/>")),
      WU_E_XML_MISSINGDATA },
    { "digest of 19 bytes", CATALOG(ITEM_PACKAGE("<sdp:OriginFile Digest=\"2jmj7l5rSw0yVb/vlWAYkK/YBw==\""
                                                 " FileName=\"a\" Size=\"1\"/>")), WU_E_XML_INVALID },
    { "digest of 21 bytes", CATALOG(ITEM_PACKAGE("<sdp:OriginFile Digest=\"2jmj7l5rSw0yVb/vlWAYkK/YBwkA\""
                                                 " FileName=\"a\" Size=\"1\"/>")), WU_E_XML_INVALID },
    { "digest not base64", CATALOG(ITEM_PACKAGE("<sdp:OriginFile Digest=\"!!!!\" FileName=\"a\" Size=\"1\"/>")),
      WU_E_XML_INVALID },
    { "empty digest", CATALOG(ITEM_PACKAGE("<sdp:OriginFile Digest=\"\" FileName=\"a\" Size=\"1\"/>")),
      WU_E_XML_INVALID },
    { "SHA-256 of 20 bytes", CATALOG(ITEM_PACKAGE("<sdp:OriginFile Digest=\"" DIGEST "\" FileName=\"a\" Size=\"1\">"
                                                  "<sdp:AdditionalDigest Algorithm=\"SHA256\">" DIGEST
                                                  "</sdp:AdditionalDigest></sdp:OriginFile>")), WU_E_XML_INVALID },
    { "negative Size", CATALOG(ITEM_PACKAGE("<sdp:OriginFile Digest=\"" DIGEST "\" FileName=\"a\" Size=\"-1\"/>")),
      WU_E_XML_INVALID },
    { "Size too big", CATALOG(ITEM_PACKAGE("<sdp:OriginFile Digest=\"" DIGEST "\" FileName=\"a\""
                                           " Size=\"18446744073709551616\"/>")), WU_E_XML_INVALID },
    { "bad Modified", CATALOG(ITEM_PACKAGE("<sdp:OriginFile Digest=\"" DIGEST "\" FileName=\"a\" Size=\"1\""
                                           " Modified=\"yesterday\"/>")), WU_E_XML_INVALID },
    { "two OriginFiles", CATALOG(ITEM_PACKAGE(ORIGIN_FILE ORIGIN_FILE)), WU_E_XML_INVALID },
    { "bad boolean", CATALOG(ITEM_PACKAGE("<sdp:InstallProperties CanRequestUserInput=\"yes\"/>")), WU_E_XML_INVALID },
    { "bad Impact", CATALOG(ITEM_PACKAGE("<sdp:InstallProperties Impact=\"Major\"/>")), WU_E_XML_INVALID },
    { "bad RebootBehavior", CATALOG(ITEM_PACKAGE("<sdp:InstallProperties RebootBehavior=\"Sometimes\"/>")),
      WU_E_XML_INVALID },
    { "two InstallProperties", CATALOG(ITEM_PACKAGE("<sdp:InstallProperties/><sdp:InstallProperties/>")),
      WU_E_XML_INVALID },
    { "two installers", CATALOG(ITEM_PACKAGE("<cmd:CommandLineInstallerData Program=\"a\"/>"
                                             "<msi:MsiInstallerData MsiFile=\"a\" ProductCode=\"b\"/>")),
      WU_E_XML_INVALID },
    { "no Program", CATALOG(ITEM_PACKAGE("<cmd:CommandLineInstallerData/>")), WU_E_XML_MISSINGDATA },
    { "bad DefaultResult", CATALOG(ITEM_PACKAGE("<cmd:CommandLineInstallerData Program=\"a\" DefaultResult=\"OK\"/>")),
      WU_E_XML_INVALID },
    { "ReturnCode without Code", CATALOG(ITEM_PACKAGE("<cmd:CommandLineInstallerData Program=\"a\">"
                                                      "<cmd:ReturnCode Result=\"Failed\"/>"
                                                      "</cmd:CommandLineInstallerData>")),
      WU_E_XML_MISSINGDATA },
    { "ReturnCode without Result", CATALOG(ITEM_PACKAGE("<cmd:CommandLineInstallerData Program=\"a\">"
                                                        "<cmd:ReturnCode Code=\"1\"/></cmd:CommandLineInstallerData>")),
      WU_E_XML_MISSINGDATA },
    { "ReturnCode out of range", CATALOG(ITEM_PACKAGE("<cmd:CommandLineInstallerData Program=\"a\">"
                                                      "<cmd:ReturnCode Code=\"2147483648\" Result=\"Failed\"/>"
                                                      "</cmd:CommandLineInstallerData>")), WU_E_XML_INVALID },
    { "ReturnCode in hex", CATALOG(ITEM_PACKAGE("<cmd:CommandLineInstallerData Program=\"a\">"
                                                "<cmd:ReturnCode Code=\"0x10\" Result=\"Failed\"/>"
                                                "</cmd:CommandLineInstallerData>")), WU_E_XML_INVALID },
    { "MSI without ProductCode", CATALOG(ITEM_PACKAGE("<msi:MsiInstallerData MsiFile=\"a.msi\"/>")),
      WU_E_XML_MISSINGDATA },
    { "MSI without MsiFile", CATALOG(ITEM_PACKAGE("<msi:MsiInstallerData ProductCode=\"a\"/>")), WU_E_XML_MISSINGDATA },
    { "two EULAs", CATALOG(PACKAGE_WITH(PROPS(ID1), "<ext:Eula>a</ext:Eula><ext:Eula>b</ext:Eula>")),
      WU_E_XML_INVALID },
    { "external entity", "<?xml version=\"1.0\"?><!DOCTYPE x SYSTEM \"file:///c:/windows/win.ini\">"
                         CATALOG(PACKAGE(ID1)), WU_E_XML_INVALID },
    { "internal entity", "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e \"text\">]>"
                         CATALOG(PACKAGE_WITH(PROPS(ID1), "<ext:Eula>&e;</ext:Eula>")), WU_E_XML_INVALID },
    { "parameter entity", "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY % p \"<!ENTITY e 'text'>\"> %p;]>"
                          CATALOG(PACKAGE_WITH(PROPS(ID1), "<ext:Eula>&e;</ext:Eula>")), WU_E_XML_INVALID },
    { "external SYSTEM entity", "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e SYSTEM"
                                " \"file:///c:/windows/win.ini\">]>"
                                CATALOG(PACKAGE_WITH(PROPS(ID1), "<ext:Eula>&e;</ext:Eula>")), WU_E_XML_INVALID },
    { "external parameter entity", "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY % p SYSTEM"
                                   " \"http://127.0.0.1:1/x.dtd\"> %p;]>" CATALOG(PACKAGE(ID1)), WU_E_XML_INVALID },
    { "public DTD", "<?xml version=\"1.0\"?><!DOCTYPE x PUBLIC \"-//X//DTD X//EN\" \"http://127.0.0.1:1/x.dtd\">"
                    CATALOG(PACKAGE(ID1)), WU_E_XML_INVALID },
};

static void bad_documents(void **state)
{
    unsigned int i;

    (void)state;
    for (i = 0; i < ARRAY_SIZE(bad_xml); i++) check_bad_xml(bad_xml[i].what, bad_xml[i].xml, bad_xml[i].hr);
}

/* Billion laughs: refused at the DTD, before anything expands. */
static void entities_refused(void **state)
{
    static const char xml[] =
        "<?xml version=\"1.0\"?>\n<!DOCTYPE smc:SystemsManagementCatalog [\n"
        "<!ENTITY a \"lollollollollollollollollollol\">\n"
        "<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">\n<!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">\n"
        "<!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\">\n<!ENTITY e \"&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;\">\n"
        "<!ENTITY f \"&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;\">\n<!ENTITY g \"&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;\">\n"
        "<!ENTITY h \"&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;\">\n<!ENTITY i \"&h;&h;&h;&h;&h;&h;&h;&h;&h;&h;\">\n]>\n"
        CATALOG(PACKAGE_WITH(PROPS(ID1), "<ext:Eula>&i;</ext:Eula>"));
    LARGE_INTEGER start;
    double seconds;

    (void)state;
    QueryPerformanceCounter(&start);
    check_bad_xml("billion laughs", xml, WU_E_XML_INVALID);
    seconds = seconds_since(&start);
    print_message("billion laughs refused in %.4f s\n", seconds);
    assert_true(seconds < 1.0);
}

/* Nesting: fine well inside the limit, refused beyond it. */
/* A rule may have CATALOG_MAX_RULE_ATTRS attributes: more is a hostile catalog. */
static void rule_attribute_limit(void **state)
{
    static const char head[] = CATALOG_OPEN "<smc:SoftwareDistributionPackage>" PROPS(ID1) LOCALIZED UPDATE_DATA
                               "<sdp:IsInstallable><bar:WmiQuery";
    static const char tail[] = "/></sdp:IsInstallable></smc:SoftwareDistributionPackage>" CATALOG_CLOSE;
    struct catalog *catalog;
    unsigned int count, i;
    char *xml, *p;

    (void)state;
    for (count = CATALOG_MAX_RULE_ATTRS; count <= CATALOG_MAX_RULE_ATTRS + 1; count++)
    {
        assert_non_null(xml = p = malloc(sizeof(head) + sizeof(tail) + count * 16));
        p += sprintf(p, "%s", head);
        for (i = 0; i < count; i++) p += sprintf(p, " a%u=\"%u\"", i, i);
        sprintf(p, "%s", tail);
        if (count == CATALOG_MAX_RULE_ATTRS)
        {
            catalog = load_good_xml(xml);
            assert_int_equal(count, catalog->packages[0].is_installable->attr_count);
            catalog_free(catalog);
        }
        else check_bad_xml("too many attributes", xml, WU_E_XML_INVALID);
        free(xml);
    }
}

static void nesting_limit(void **state)
{
    static const char head[] = CATALOG_OPEN "<smc:SoftwareDistributionPackage>" PROPS(ID1) LOCALIZED UPDATE_DATA
                               "<sdp:IsInstallable>";
    static const char tail[] = "</sdp:IsInstallable></smc:SoftwareDistributionPackage>" CATALOG_CLOSE;
    const unsigned int depths[] = { 200, CATALOG_MAX_DEPTH + 10, 100000 };
    struct catalog *catalog;
    const struct rule *rule;
    unsigned int i, d;
    char *xml, *p;

    (void)state;
    for (i = 0; i < ARRAY_SIZE(depths); i++)
    {
        xml = p = malloc(sizeof(head) + sizeof(tail) + depths[i] * 20);
        assert_non_null(xml);
        p += sprintf(p, "%s", head);
        for (d = 0; d < depths[i]; d++) p += sprintf(p, "<lar:Not>");
        p += sprintf(p, "<lar:True/>");
        for (d = 0; d < depths[i]; d++) p += sprintf(p, "</lar:Not>");
        sprintf(p, "%s", tail);
        if (!i)
        {
            catalog = load_good_xml(xml);
            d = 0;
            for (rule = catalog->packages[0].is_installable; rule->kind == RULE_NOT; rule = rule->children[0]) d++;
            assert_int_equal(depths[i], d);
            assert_int_equal(RULE_TRUE, rule->kind);
            catalog_free(catalog);
        }
        else check_bad_xml("too deep", xml, WU_E_XML_INVALID);
        free(xml);
    }
}

/* --- containers and locations --- */

static void cab_with_one_catalog(void **state)
{
    static const char xml[] = CATALOG(PACKAGE(ID1) PACKAGE(ID2));
    const struct cab_entry entries[] = { ENTRY("Catalog.XML", xml) };
    struct catalog *catalog;

    (void)state;
    assert_hr(S_OK, load_cab(entries, ARRAY_SIZE(entries), &catalog));
    assert_int_equal(2, catalog->package_count);
    assert_guid(&id1, &catalog->packages[0].id);
    assert_guid(&id2, &catalog->packages[1].id);
    catalog_free(catalog);
}

static void cab_with_many_packages(void **state)
{
    static const char standalone1[] = "<sdp:SoftwareDistributionPackage " ALL_NS ">" PROPS(ID1) LOCALIZED UPDATE_DATA
                                      "</sdp:SoftwareDistributionPackage>";
    static const char standalone2[] = "<sdp:SoftwareDistributionPackage " ALL_NS ">" PROPS(ID2) LOCALIZED UPDATE_DATA
                                      "</sdp:SoftwareDistributionPackage>";
    static const char standalone3[] = "<sdp:SoftwareDistributionPackage " ALL_NS ">" PROPS(ID3) LOCALIZED UPDATE_DATA
                                      "<ext:Eula>E</ext:Eula></sdp:SoftwareDistributionPackage>";
    static const char manifest[] = "{\"" ID1 "\": \"2020-01-02T03:04:05Z\"}";
    char big[100000];
    struct cab_entry entries[] =
    {
        ENTRY("update_manifest.json", manifest),
        ENTRY(ID1 ".sdp", standalone1),
        ENTRY("readme.txt", "not a catalog"),
        { "sub\\" ID2 ".SDP", big, 0 },         /* spans several data blocks */
        ENTRY(ID3 ".sdp", standalone3),
    };
    struct catalog *catalog;
    size_t length;

    (void)state;
    /* a comment and white space make the second document longer than a cab data block */
    length = sprintf(big, "%s", standalone2);
    memset(big + length, ' ', sizeof(big) - length);
    memcpy(big + length, "<!--", 4);
    memcpy(big + length + 4000, "-->", 3);
    entries[3].size = sizeof(big);
    assert_hr(S_OK, load_cab(entries, ARRAY_SIZE(entries), &catalog));
    assert_int_equal(3, catalog->package_count);
    assert_guid(&id1, &catalog->packages[0].id);
    assert_guid(&id2, &catalog->packages[1].id);
    assert_guid(&id3, &catalog->packages[2].id);
    assert_wstr(L"E", catalog->packages[2].eula);
    catalog_free(catalog);
}

static void bad_cabs(void **state)
{
    static const char sdp[] = "<sdp:SoftwareDistributionPackage " ALL_NS ">" PROPS(ID1) LOCALIZED UPDATE_DATA
                              "</sdp:SoftwareDistributionPackage>";
    static const char *const names[] =
    {
        "..\\evil.sdp", "../evil.sdp", "a\\..\\..\\evil.sdp", "..", "...\\evil.sdp", "\\evil.sdp", "/evil.sdp",
        "C:evil.sdp", "C:\\evil.sdp", "evil.sdp:stream", "con.sdp", "CON", "sub\\nul.xml", "lpt1.sdp", "COM9",
        "aux .sdp", "conin$", "a\\\\b.sdp", "a\\", "", "tab\t.sdp", "..\\evil.json",
    };
    struct cab_entry entries[2] = { ENTRY("good.sdp", sdp) };
    struct catalog *catalog;
    WCHAR path[MAX_PATH];
    unsigned int i;
    HRESULT hr;

    (void)state;
    for (i = 0; i < ARRAY_SIZE(names); i++)
    {
        entries[1].name = names[i];
        entries[1].data = sdp;
        entries[1].size = sizeof(sdp) - 1;
        hr = load_cab(entries, 2, &catalog);
        if (hr != WU_E_XML_INVALID) print_message("name \"%s\": 0x%08lx\n", names[i], (unsigned long)hr);
        assert_hr(WU_E_XML_INVALID, hr);
        assert_null(catalog);
    }
    /* a name like that one is fine */
    entries[1].name = "evil..sdp";
    assert_hr(S_OK, load_cab(entries, 2, &catalog));
    assert_int_equal(2, catalog->package_count);
    catalog_free(catalog);

    /* no catalog in it */
    entries[0].name = "update_manifest.json";
    assert_hr(WU_E_XML_INVALID, load_cab(entries, 1, &catalog));
    assert_null(catalog);

    /* a bad document inside */
    entries[0].name = "bad.sdp";
    entries[0].data = "<sdp:SoftwareDistributionPackage xmlns:sdp=\"" SDP_URI "\"/>";
    entries[0].size = strlen(entries[0].data);
    assert_hr(WU_E_XML_MISSINGDATA, load_cab(entries, 1, &catalog));
    assert_null(catalog);

    /* one of a set of cabs */
    entries[0].name = "good.sdp";
    entries[0].data = sdp;
    entries[0].size = sizeof(sdp) - 1;
    path_in(path, temp_folder, L"set.cab");
    write_cab(path, entries, 1, "next.cab");
    catalog = (void *)0xdeadbeef;
    assert_hr(WU_E_XML_INVALID, catalog_load(path, &catalog));
    assert_null(catalog);
}

static void broken_cabs(void **state)
{
    static const char sdp[] = "<sdp:SoftwareDistributionPackage " ALL_NS ">" PROPS(ID1) LOCALIZED UPDATE_DATA
                              "</sdp:SoftwareDistributionPackage>";
    const struct cab_entry entries[] = { ENTRY("good.sdp", sdp) };
    struct catalog *catalog;
    WCHAR path[MAX_PATH];
    HANDLE file;
    BYTE *data;
    DWORD size;

    (void)state;
    /* only the signature */
    write_fixture(L"broken.cab", "MSCF", 4, path);
    catalog = (void *)0xdeadbeef;
    assert_hr(WU_E_XML_INVALID, catalog_load(path, &catalog));
    assert_null(catalog);

    /* cut short in the data */
    path_in(path, temp_folder, L"whole.cab");
    write_cab(path, entries, 1, NULL);
    file = CreateFileW(path, GENERIC_READ, 0, NULL, OPEN_EXISTING, 0, NULL);
    assert_true(file != INVALID_HANDLE_VALUE);
    size = GetFileSize(file, NULL);
    data = malloc(size);
    assert_true(ReadFile(file, data, size, &size, NULL));
    CloseHandle(file);
    write_fixture(L"short.cab", data, size - 20, path);
    catalog = (void *)0xdeadbeef;
    assert_hr(WU_E_XML_INVALID, catalog_load(path, &catalog));
    assert_null(catalog);
    free(data);
}

static void locations(void **state)
{
    static const char xml[] = CATALOG(PACKAGE(ID1));
    WCHAR folder[MAX_PATH], path[MAX_PATH], url[3 * MAX_PATH], *p;
    struct catalog *catalog;
    const WCHAR *c;

    (void)state;
    /* a file URL, with an escaped blank */
    path_in(folder, temp_folder, L"with blank");
    CreateDirectoryW(folder, NULL);
    path_in(path, folder, L"catalog file.xml");
    write_file(path, xml, sizeof(xml) - 1);
    p = url + swprintf(url, ARRAY_SIZE(url), L"file:///");
    for (c = path; *c; c++)
    {
        if (*c == ' ') p += swprintf(p, 4, L"%%20");
        else *p++ = *c == '\\' ? '/' : *c;
    }
    *p = 0;
    assert_hr(S_OK, catalog_load(url, &catalog));
    assert_int_equal(1, catalog->package_count);
    catalog_free(catalog);
    /* content decides, not the extension */
    path_in(path, folder, L"catalog.cab");
    write_file(path, xml, sizeof(xml) - 1);
    assert_hr(S_OK, catalog_load(path, &catalog));
    catalog_free(catalog);
    DeleteFileW(path);
    path_in(path, folder, L"catalog file.xml");
    DeleteFileW(path);
    RemoveDirectoryW(folder);

    /* http(s) locations go through the transport: test_transport covers them
     * against its loopback server (a test never reaches a real host). */
    catalog = (void *)0xdeadbeef;
    assert_hr(E_INVALIDARG, catalog_load(L"ftp://example.com/catalog.cab", &catalog));
    assert_null(catalog);
    assert_hr(E_INVALIDARG, catalog_load(L"", &catalog));
    assert_hr(E_INVALIDARG, catalog_load(NULL, &catalog));
    assert_null(catalog);
    assert_hr(E_POINTER, catalog_load(L"c:\\x.xml", NULL));
    path_in(path, temp_folder, L"missing.xml");
    catalog = (void *)0xdeadbeef;
    assert_hr(HRESULT_FROM_WIN32(ERROR_FILE_NOT_FOUND), catalog_load(path, &catalog));
    assert_null(catalog);
    path_in(path, temp_folder, L"missing\\missing.xml");
    assert_hr(HRESULT_FROM_WIN32(ERROR_PATH_NOT_FOUND), catalog_load(path, &catalog));
    assert_null(catalog);
}

static void from_a_stream(void **state)
{
    static const char xml[] = CATALOG(PACKAGE(ID1) PACKAGE(ID2));
    static const char bad[] = CATALOG(PACKAGE_WITH("<sdp:Properties/>", ""));
    struct catalog *catalog;
    IStream *stream;

    (void)state;
    stream = SHCreateMemStream((const BYTE *)xml, sizeof(xml) - 1);
    assert_non_null(stream);
    assert_hr(S_OK, catalog_load_stream(stream, &catalog));
    assert_int_equal(2, catalog->package_count);
    catalog_free(catalog);
    IStream_Release(stream);

    stream = SHCreateMemStream((const BYTE *)bad, sizeof(bad) - 1);
    catalog = (void *)0xdeadbeef;
    assert_hr(WU_E_XML_MISSINGDATA, catalog_load_stream(stream, &catalog));
    assert_null(catalog);
    assert_hr(E_POINTER, catalog_load_stream(stream, NULL));
    IStream_Release(stream);
    catalog = (void *)0xdeadbeef;
    assert_hr(E_INVALIDARG, catalog_load_stream(NULL, &catalog));
    assert_null(catalog);
    catalog_free(NULL);
}

/* What catalog_free and every failure give back: all of it. */
static void nothing_leaks(void **state)
{
    static const char sdp[] = "<sdp:SoftwareDistributionPackage " ALL_NS ">" PROPS(ID1) LOCALIZED UPDATE_DATA
                              "</sdp:SoftwareDistributionPackage>";
    static const char bad_sdp[] = "<sdp:SoftwareDistributionPackage " ALL_NS ">" PROPS(ID1) LOCALIZED
                                  UPDATE_DATA "<sdp:InstallableItem/></sdp:SoftwareDistributionPackage>";
    struct cab_entry entries[] = { ENTRY("a.sdp", sdp), ENTRY("b.sdp", bad_sdp), ENTRY("..\\c.sdp", sdp) };
    struct catalog *catalog;
    SIZE_T before = 0;
    unsigned int round, i;

    (void)state;
    for (round = 0; round < 3; round++)
    {
        /* the first round warms up what XmlLite, FDI and the CRT keep for good */
        if (round == 1) before = heap_in_use();
        for (i = 0; i < ARRAY_SIZE(bad_xml); i++) assert_hr(bad_xml[i].hr, load_xml(bad_xml[i].xml, &catalog));
        catalog = load_good_xml(every_field);
        catalog_free(catalog);
        assert_hr(S_OK, load_cab(entries, 1, &catalog));
        catalog_free(catalog);
        assert_hr(WU_E_XML_MISSINGDATA, load_cab(entries, 2, &catalog));
        entries[1] = entries[0];
        assert_hr(WU_E_XML_INVALID, load_cab(entries, 3, &catalog));
        entries[1].name = "b.sdp";
        entries[1].data = bad_sdp;
        entries[1].size = sizeof(bad_sdp) - 1;
    }
    assert_int_equal(before, heap_in_use());
}

/* A stream that makes a catalog up as it is read: head, the body count
 * times, tail; Stat tells the size given.  Nothing of it is ever held whole:
 * a body of 64 KiB given 16384 times is a document of 1 GiB. */
struct made_stream
{
    IStream IStream_iface;
    const char *head, *body, *tail;
    size_t head_size, body_size, tail_size;
    unsigned int count;
    ULONGLONG stat_size;    /* 0: Stat fails */
    unsigned int part;      /* 0 head, 1..count bodies, count + 1 tail */
    size_t offset;
    ULONGLONG given;        /* bytes read from it */
};

static struct made_stream *impl_from_IStream(IStream *iface)
{
    return CONTAINING_RECORD(iface, struct made_stream, IStream_iface);
}

static HRESULT WINAPI made_QueryInterface(IStream *iface, REFIID riid, void **obj)
{
    if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_ISequentialStream) || IsEqualIID(riid, &IID_IStream))
    {
        *obj = iface;
        return S_OK;
    }
    *obj = NULL;
    return E_NOINTERFACE;
}

static ULONG WINAPI made_AddRef(IStream *iface)
{
    (void)iface;
    return 2;
}

static ULONG WINAPI made_Release(IStream *iface)
{
    (void)iface;
    return 1;
}

static HRESULT WINAPI made_Read(IStream *iface, void *data, ULONG size, ULONG *read)
{
    struct made_stream *stream = impl_from_IStream(iface);
    char *buffer = data;
    ULONG done = 0;

    while (done < size && stream->part <= stream->count + 1)
    {
        const char *text = !stream->part ? stream->head
                           : stream->part <= stream->count ? stream->body : stream->tail;
        size_t whole = !stream->part ? stream->head_size
                       : stream->part <= stream->count ? stream->body_size : stream->tail_size;
        size_t length = min(whole - stream->offset, size - done);

        memcpy(buffer + done, text + stream->offset, length);
        done += length;
        if ((stream->offset += length) == whole)
        {
            stream->part++;
            stream->offset = 0;
        }
    }
    stream->given += done;
    *read = done;
    return done < size ? S_FALSE : S_OK;
}

static HRESULT WINAPI made_Stat(IStream *iface, STATSTG *stat, DWORD flags)
{
    struct made_stream *stream = impl_from_IStream(iface);

    (void)flags;
    if (!stream->stat_size) return E_NOTIMPL;
    memset(stat, 0, sizeof(*stat));
    stat->type = STGTY_STREAM;
    stat->cbSize.QuadPart = stream->stat_size;
    return S_OK;
}

static HRESULT WINAPI made_Write(IStream *iface, const void *data, ULONG size, ULONG *written)
{
    (void)iface; (void)data; (void)size; (void)written;
    return E_NOTIMPL;
}

static HRESULT WINAPI made_Seek(IStream *iface, LARGE_INTEGER move, DWORD origin, ULARGE_INTEGER *position)
{
    (void)iface; (void)move; (void)origin; (void)position;
    return E_NOTIMPL;
}

static HRESULT WINAPI made_SetSize(IStream *iface, ULARGE_INTEGER size)
{
    (void)iface; (void)size;
    return E_NOTIMPL;
}

static HRESULT WINAPI made_CopyTo(IStream *iface, IStream *to, ULARGE_INTEGER size, ULARGE_INTEGER *read,
                                  ULARGE_INTEGER *written)
{
    (void)iface; (void)to; (void)size; (void)read; (void)written;
    return E_NOTIMPL;
}

static HRESULT WINAPI made_Commit(IStream *iface, DWORD flags)
{
    (void)iface; (void)flags;
    return E_NOTIMPL;
}

static HRESULT WINAPI made_Revert(IStream *iface)
{
    (void)iface;
    return E_NOTIMPL;
}

static HRESULT WINAPI made_LockRegion(IStream *iface, ULARGE_INTEGER offset, ULARGE_INTEGER size, DWORD type)
{
    (void)iface; (void)offset; (void)size; (void)type;
    return E_NOTIMPL;
}

static HRESULT WINAPI made_Clone(IStream *iface, IStream **clone)
{
    (void)iface; (void)clone;
    return E_NOTIMPL;
}

static const IStreamVtbl made_vtbl =
{
    made_QueryInterface, made_AddRef, made_Release, made_Read, made_Write, made_Seek, made_SetSize, made_CopyTo,
    made_Commit, made_Revert, made_LockRegion, made_LockRegion, made_Stat, made_Clone,
};

static void made_init(struct made_stream *stream, const char *head, size_t head_size, const char *body,
                      size_t body_size, unsigned int count, const char *tail, size_t tail_size)
{
    memset(stream, 0, sizeof(*stream));
    stream->IStream_iface.lpVtbl = &made_vtbl;
    stream->head = head;
    stream->head_size = head_size;
    stream->body = body;
    stream->body_size = body_size;
    stream->count = count;
    stream->tail = tail;
    stream->tail_size = tail_size;
}

static HRESULT load_made_stream(struct made_stream *stream, struct catalog **out)
{
    *out = (void *)0xdeadbeef;
    return catalog_load_stream(&stream->IStream_iface, out);
}

#define EXPIRED_PACKAGE "<smc:SoftwareDistributionPackage><sdp:Properties PackageID=\"" ID1 "\"" \
    " PublicationState=\"Expired\"/></smc:SoftwareDistributionPackage>\n"

static HRESULT load_made(unsigned int count, ULONGLONG stat_size, struct catalog **out)
{
    static const char head[] = CATALOG_OPEN, body[] = EXPIRED_PACKAGE, tail[] = CATALOG_CLOSE;
    struct made_stream stream;

    made_init(&stream, head, strlen(head), body, strlen(body), count, tail, strlen(tail));
    stream.stat_size = stat_size;
    return load_made_stream(&stream, out);
}

static void limits(void **state)
{
    struct catalog *catalog;
    LARGE_INTEGER start;

    (void)state;
    /* a stream that says it is too big is refused before it is read */
    assert_hr(WU_E_XML_INVALID, load_made(1, CATALOG_MAX_BYTES + 1ull, &catalog));
    assert_null(catalog);
    assert_hr(S_OK, load_made(1, CATALOG_MAX_BYTES, &catalog));
    assert_int_equal(0, catalog->package_count);       /* expired */
    catalog_free(catalog);
    /* packages are counted, kept or not */
    QueryPerformanceCounter(&start);
    assert_hr(S_OK, load_made(CATALOG_MAX_PACKAGES, 0, &catalog));
    catalog_free(catalog);
    assert_hr(WU_E_XML_INVALID, load_made(CATALOG_MAX_PACKAGES + 1, 0, &catalog));
    assert_null(catalog);
    print_message("two catalogs of %u packages: %.2f s\n", CATALOG_MAX_PACKAGES, seconds_since(&start));
}

/* --- hostile catalogs: each is refused, or loaded, within bounds --- */

#define MIB (1u << 20)
#define FILLER_UNITS 32768      /* a body of 64 KiB in UTF-16, 32 KiB in UTF-8 */

/* ASCII text in a document's encoding: 0 UTF-8, 1 UTF-16LE, 2 UTF-16BE.  The
 * size in bytes is returned; out holds at least twice the text. */
static size_t encode(const char *text, size_t length, int order, char *out)
{
    size_t i;

    if (!order)
    {
        memcpy(out, text, length);
        return length;
    }
    for (i = 0; i < length; i++)
    {
        out[2 * i + (order == 1)] = 0;
        out[2 * i + (order == 2)] = text[i];
    }
    return 2 * length;
}

/* A document: declaration, a package up to where the filler goes, count bodies
 * of filler, then the rest.  The buffers are the caller's to free. */
struct endless
{
    char *head, *body, *tail;
    size_t head_size, body_size, tail_size;
};

static void endless_init(struct endless *doc, int order, const char *before, unsigned char fill, const char *after)
{
    static const char utf8[] = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n";
    static const char utf16[] = "<?xml version=\"1.0\" encoding=\"UTF-16\"?>\n";
    static const char package[] = ROOT_OPEN "<smc:SoftwareDistributionPackage>" PROPS(ID1) LOCALIZED UPDATE_DATA;
    static const char close[] = "</smc:SoftwareDistributionPackage>" CATALOG_CLOSE;
    char *text, filler[FILLER_UNITS];
    size_t length;

    length = strlen(utf16) + strlen(package) + strlen(before) + 1;
    text = malloc(length);
    sprintf(text, "%s%s%s", order ? utf16 : utf8, package, before);
    doc->head = malloc(2 * length);
    doc->head_size = encode(text, strlen(text), order, doc->head);
    free(text);
    memset(filler, fill, sizeof(filler));
    doc->body = malloc(2 * sizeof(filler));
    doc->body_size = encode(filler, sizeof(filler), order, doc->body);
    length = strlen(after) + strlen(close) + 1;
    text = malloc(length);
    sprintf(text, "%s%s", after, close);
    doc->tail = malloc(2 * length);
    doc->tail_size = encode(text, strlen(text), order, doc->tail);
    free(text);
    assert_true(doc->head && doc->body && doc->tail);
}

static void endless_free(struct endless *doc)
{
    free(doc->head);
    free(doc->body);
    free(doc->tail);
}

/* Loads count bodies of the document; bytes read from the stream in *given. */
static HRESULT load_endless(const struct endless *doc, unsigned int count, struct catalog **out, ULONGLONG *given)
{
    struct made_stream stream;
    HRESULT hr;

    made_init(&stream, doc->head, doc->head_size, doc->body, doc->body_size, count, doc->tail, doc->tail_size);
    hr = load_made_stream(&stream, out);
    *given = stream.given;
    return hr;
}

/* A text node or an attribute value of 1 GiB, made up as it is read: the
 * reader stops at 16 MiB between two '<', counted in UTF-8 (UTF-16 is converted). */
static void endless_values(void **state)
{
    static const struct
    {
        const char *what, *before, *after;
    }
    places[] =
    {
        { "text", "<ext:Eula>", "</ext:Eula>" },
        { "attribute", "<sdp:IsInstalled><bar:WmiQuery WqlQuery=\"", "\"/></sdp:IsInstalled>" },
        { "white space", "<ext:Eula>", "</ext:Eula>" },
    };
    static const char *const orders[] = { "UTF-8", "UTF-16LE", "UTF-16BE" };
    struct catalog *catalog;
    struct endless doc;
    ULONGLONG given;
    unsigned int round, place, count;
    ULONGLONG limit;
    SIZE_T before = 0;
    int order;

    (void)state;
    for (round = 0; round < 2; round++)
    {
        if (round == 1) before = heap_in_use();
        for (place = 0; place < ARRAY_SIZE(places); place++)
            for (order = 0; order < 3; order++)
            {
                endless_init(&doc, order, places[place].before, place == 2 ? ' ' : 'a', places[place].after);
                count = (1u << 30) / doc.body_size;
                assert_hr(WU_E_XML_INVALID, load_endless(&doc, count, &catalog, &given));
                assert_null(catalog);
                if (round) print_message("1 GiB %s in %s: refused after %.1f MiB\n", places[place].what,
                                         orders[order], (double)given / MIB);
                /* what the reader asks for past the limit: a few of its chunks */
                limit = order ? 2ull * CATALOG_MAX_NODE_BYTES : CATALOG_MAX_NODE_BYTES;    /* counted in UTF-8 */
                assert_true(given > limit);
                assert_true(given < limit + doc.head_size + MIB);
                endless_free(&doc);
            }
    }
    assert_int_equal(before, heap_in_use());
}

/* UTF-16 reaches XmlLite as UTF-8 (Wine's XmlLite fails on long UTF-16
 * nodes), so long UTF-16 values load; broken UTF-16 is refused. */
static void utf16_converted(void **state)
{
    static const BYTE lone[] = { 0xff, 0xfe, '<', 0, 'a', 0, '>', 0, 0x00, 0xd8, '<', 0, '/', 0, 'a', 0, '>', 0 };
    static const BYTE odd[] = { 0xff, 0xfe, '<', 0, 'a', 0, '/', 0, '>', 0, ' ' };
    struct catalog *catalog;
    struct endless doc;
    ULONGLONG given;
    int order;

    (void)state;
    for (order = 1; order <= 2; order++)
    {
        endless_init(&doc, order, "<ext:Eula>", 'a', "</ext:Eula>");
        assert_hr(S_OK, load_endless(&doc, 32, &catalog, &given));
        assert_int_equal(32 * FILLER_UNITS, wcslen(catalog->packages[0].eula));
        catalog_free(catalog);
        endless_free(&doc);
    }
    check_bad_bytes("lone surrogate", lone, sizeof(lone), WU_E_XML_INVALID);
    check_bad_bytes("odd length", odd, sizeof(odd), WU_E_XML_INVALID);
}

/* Wine's XmlLite crashes on a comment of some hundred KiB: 64 KiB is the most. */
static void long_comments(void **state)
{
    struct catalog *catalog;
    struct endless doc;
    ULONGLONG given;
    int order;

    (void)state;
    for (order = 0; order <= 1; order++)
    {
        endless_init(&doc, order, "<!--", 'c', "-->");
        assert_hr(S_OK, load_endless(&doc, 1, &catalog, &given));
        catalog_free(catalog);
        assert_hr(WU_E_XML_INVALID, load_endless(&doc, 2, &catalog, &given));
        assert_null(catalog);
        endless_free(&doc);
        endless_init(&doc, order, "<?pi ", 'p', "?>");
        assert_hr(WU_E_XML_INVALID, load_endless(&doc, 2, &catalog, &given));
        endless_free(&doc);
    }
}

/* Real values, even long ones, are well inside the limit. */
static void long_values_load(void **state)
{
    struct catalog *catalog;
    struct endless doc;
    ULONGLONG given;
    const WCHAR *value;
    unsigned int count;
    SIZE_T before;

    (void)state;
    before = heap_in_use();
    /* an 8 MiB EULA */
    endless_init(&doc, 0, "<ext:Eula>", 'a', "</ext:Eula>");
    count = 8 * MIB / doc.body_size;
    assert_hr(S_OK, load_endless(&doc, count, &catalog, &given));
    assert_int_equal(1, catalog->package_count);
    assert_int_equal(8 * MIB, wcslen(catalog->packages[0].eula));
    catalog_free(catalog);
    endless_free(&doc);
    /* an 8 MiB query */
    endless_init(&doc, 0, "<sdp:IsInstalled><bar:WmiQuery WqlQuery=\"", 'q', "\"/></sdp:IsInstalled>");
    count = 8 * MIB / doc.body_size;
    assert_hr(S_OK, load_endless(&doc, count, &catalog, &given));
    value = rule_attr(catalog->packages[0].is_installed, L"WqlQuery");
    assert_int_equal(8 * MIB, wcslen(value));
    assert_int_equal('q', value[0]);
    catalog_free(catalog);
    endless_free(&doc);
    /* one EULA in many pieces: the value as a whole is held to the same limit */
    endless_init(&doc, 0, "<ext:Eula>", 'a', "</ext:Eula>");
    memcpy(doc.body + doc.body_size - 7, "<!---->", 7);
    count = 8 * MIB / doc.body_size;
    assert_hr(S_OK, load_endless(&doc, count, &catalog, &given));
    assert_int_equal(count * (doc.body_size - 7), wcslen(catalog->packages[0].eula));
    catalog_free(catalog);
    count = (1u << 30) / doc.body_size;
    assert_hr(WU_E_XML_INVALID, load_endless(&doc, count, &catalog, &given));
    assert_null(catalog);
    print_message("1 GiB EULA in pieces of 32 KiB: refused after %.1f MiB\n", (double)given / MIB);
    assert_true(given < CATALOG_MAX_NODE_BYTES + 2 * MIB);
    endless_free(&doc);
    assert_int_equal(before, heap_in_use());
}

/* A million packages, made up as they are read: refused at the 200,001st,
 * not after reading them all. */
static void million_packages(void **state)
{
    static const char head[] = CATALOG_OPEN, body[] = PACKAGE(ID1), tail[] = CATALOG_CLOSE;
    struct made_stream stream;
    struct catalog *catalog;
    SIZE_T before;

    (void)state;
    load_made(1, 0, &catalog);      /* warms XmlLite up */
    catalog_free(catalog);
    before = heap_in_use();
    made_init(&stream, head, strlen(head), body, strlen(body), 1000000, tail, strlen(tail));
    assert_hr(WU_E_XML_INVALID, load_made_stream(&stream, &catalog));
    assert_null(catalog);
    print_message("a million packages: refused after %u of them were read\n", stream.part - 1);
    assert_true(stream.part > CATALOG_MAX_PACKAGES + 1);
    /* the reader reads ahead by a chunk of at most 64 KiB */
    assert_true(stream.part < CATALOG_MAX_PACKAGES + 1 + 65536 / strlen(body) + 2);
    assert_int_equal(before, heap_in_use());
}

/* Rules nested levels deep: And, Or and Not in turn around True. */
static char *nested_rules(unsigned int levels)
{
    static const char head[] = CATALOG_OPEN "<smc:SoftwareDistributionPackage>" PROPS(ID1) LOCALIZED UPDATE_DATA
                               "<sdp:IsInstallable>";
    static const char tail[] = "</sdp:IsInstallable></smc:SoftwareDistributionPackage>" CATALOG_CLOSE;
    static const char *const names[] = { "And", "Or", "Not" };
    char *xml = malloc(sizeof(head) + sizeof(tail) + levels * 20 + 16), *p = xml;
    unsigned int i;

    assert_non_null(xml);
    p += sprintf(p, "%s", head);
    for (i = 0; i < levels; i++) p += sprintf(p, "<lar:%s>", names[i % 3]);
    p += sprintf(p, "<lar:True/>");
    while (i--) p += sprintf(p, "</lar:%s>", names[i % 3]);
    sprintf(p, "%s", tail);
    return xml;
}

static void recursive_rules(void **state)
{
    /* the catalog, the package and IsInstallable hold the rules */
    const unsigned int deepest = CATALOG_MAX_DEPTH - 4;
    unsigned int levels, i;
    struct catalog *catalog;
    const struct rule *rule;
    SIZE_T before;
    char *xml, *p;

    (void)state;
    xml = nested_rules(1);
    catalog_free(load_good_xml(xml));
    free(xml);
    before = heap_in_use();
    for (levels = 1; levels <= deepest; levels += deepest - 1)
    {
        xml = nested_rules(levels);
        catalog = load_good_xml(xml);
        free(xml);
        for (rule = catalog->packages[0].is_installable, i = 0; rule->child_count; rule = rule->children[0]) i++;
        assert_int_equal(levels, i);
        assert_int_equal(RULE_TRUE, rule->kind);
        /* a Not every third level */
        assert_int_equal(levels / 3 % 2 ? RULE_RESULT_FALSE : RULE_RESULT_TRUE,
                         rule_evaluate(catalog->packages[0].is_installable, rule_system_facts(), NULL));
        catalog_free(catalog);
    }
    for (levels = deepest + 1; levels <= 1000000; levels *= 1000)
    {
        xml = nested_rules(levels);
        check_bad_xml("rules too deep", xml, WU_E_XML_INVALID);
        free(xml);
    }

    /* wide: 100,000 rules in one And, and in one Or */
    xml = p = malloc(200 + sizeof(CATALOG(ITEM_PACKAGE(""))) + 200000 * 12);
    assert_non_null(xml);
    p += sprintf(p, CATALOG_OPEN "<smc:SoftwareDistributionPackage>" PROPS(ID1) LOCALIZED UPDATE_DATA
                 "<sdp:IsInstallable><lar:Or><lar:And>");
    for (i = 0; i < 100000; i++) p += sprintf(p, "<lar:True/>");
    p += sprintf(p, "</lar:And>");
    for (i = 0; i < 100000; i++) p += sprintf(p, "<lar:False/>");
    sprintf(p, "</lar:Or></sdp:IsInstallable></smc:SoftwareDistributionPackage>" CATALOG_CLOSE);
    catalog = load_good_xml(xml);
    free(xml);
    rule = catalog->packages[0].is_installable;
    assert_int_equal(RULE_OR, rule->kind);
    assert_int_equal(100001, rule->child_count);
    assert_int_equal(100000, rule->children[0]->child_count);
    assert_int_equal(RULE_RESULT_TRUE, rule_evaluate(rule, rule_system_facts(), NULL));
    catalog_free(catalog);
    assert_int_equal(before, heap_in_use());
}

/* Entities of every kind are refused with the DTD that would declare them;
 * XInclude means nothing to the loader, so nothing is fetched. */
static void entities_and_includes(void **state)
{
    static const char xinclude[] = "<xi:include xmlns:xi=\"http://www.w3.org/2001/XInclude\""
                                   " href=\"file:///c:/windows/win.ini\" parse=\"text\"/>";
    static const char in_eula[] = CATALOG(PACKAGE_WITH(PROPS(ID1), "<ext:Eula>a" "%s" "b</ext:Eula>"
                                                       "<sdp:IsInstalled>" "%s" "</sdp:IsInstalled>"));
    struct catalog *catalog;
    char xml[2048];
    SIZE_T before;

    (void)state;
    /* without a DTD, Wine's XmlLite (8.0) lets an undeclared entity through: nothing expands */
    catalog = load_good_xml(CATALOG(PACKAGE_WITH(PROPS(ID1), "<ext:Eula>a&e;b</ext:Eula>")));
    print_message("undeclared entity: EULA \"%ls\"\n", catalog->packages[0].eula);
    catalog_free(catalog);
    snprintf(xml, sizeof(xml), in_eula, xinclude, xinclude);
    catalog_free(load_good_xml(xml));
    before = heap_in_use();
    catalog = load_good_xml(xml);
    assert_wstr(L"ab", catalog->packages[0].eula);
    assert_int_equal(RULE_UNKNOWN, catalog->packages[0].is_installed->kind);
    assert_int_equal(RULE_RESULT_ERROR, rule_evaluate(catalog->packages[0].is_installed, rule_system_facts(), NULL));
    catalog_free(catalog);
    assert_int_equal(before, heap_in_use());
}

/* A cab whose entry says it is bigger than a catalog may be: refused before
 * anything is unpacked. */
static void cab_claims(void **state)
{
    static const char sdp[] = "<sdp:SoftwareDistributionPackage " ALL_NS ">" PROPS(ID1) LOCALIZED UPDATE_DATA
                              "</sdp:SoftwareDistributionPackage>";
    static const DWORD claims[] = { CATALOG_MAX_BYTES + 1, 1u << 30, 0x7fffffff, 0x80000000, 0xffffffff };
    const struct cab_entry entries[] = { ENTRY("a.sdp", sdp), ENTRY("b.sdp", sdp) };
    struct catalog *catalog;
    WCHAR path[MAX_PATH];
    HANDLE file;
    BYTE *data;
    DWORD size, second;
    SIZE_T before;
    unsigned int i;

    (void)state;
    assert_hr(S_OK, load_cab(entries, 2, &catalog));
    catalog_free(catalog);
    before = heap_in_use();
    path_in(path, temp_folder, L"test.cab");
    file = CreateFileW(path, GENERIC_READ, 0, NULL, OPEN_EXISTING, 0, NULL);
    assert_true(file != INVALID_HANDLE_VALUE);
    size = GetFileSize(file, NULL);
    data = malloc(size);
    assert_true(ReadFile(file, data, size, &size, NULL));
    CloseHandle(file);
    /* CFFILE entries follow the 36-byte header and the 8-byte CFFOLDER */
    second = 44 + 16 + sizeof("a.sdp");
    for (i = 0; i < ARRAY_SIZE(claims); i++)
    {
        memcpy(data + 44, &claims[i], 4);
        write_fixture(L"claims.cab", data, size, path);
        catalog = (void *)0xdeadbeef;
        assert_hr(WU_E_XML_INVALID, catalog_load(path, &catalog));
        assert_null(catalog);
    }
    /* each under the limit, both over it */
    memcpy(data + 44, &(DWORD){ 300 * MIB }, 4);
    memcpy(data + second, &(DWORD){ 300 * MIB }, 4);
    write_fixture(L"claims.cab", data, size, path);
    catalog = (void *)0xdeadbeef;
    assert_hr(WU_E_XML_INVALID, catalog_load(path, &catalog));
    assert_null(catalog);
    free(data);
    assert_int_equal(before, heap_in_use());
}

/* --- lookups --- */

#define LANGUAGE(language, title) "<sdp:LocalizedProperties><sdp:Language>" language "</sdp:Language><sdp:Title>" \
    title "</sdp:Title></sdp:LocalizedProperties>"

static void text_for_locales(void **state)
{
    struct catalog *catalog = load_good_xml(CATALOG("<smc:SoftwareDistributionPackage>" PROPS(ID1)
        LANGUAGE("fr", "fr") LANGUAGE("de-AT", "de-AT") LANGUAGE("DE", "de") LANGUAGE("pt-BR", "pt-BR")
        LANGUAGE("en-US", "en-US")
        UPDATE_DATA "</smc:SoftwareDistributionPackage>"));
    static const struct
    {
        LANGID language;
        const WCHAR *title;
    }
    tests[] =
    {
        { MAKELANGID(LANG_GERMAN, SUBLANG_GERMAN_AUSTRIAN), L"de-AT" },     /* exact */
        { MAKELANGID(LANG_GERMAN, SUBLANG_GERMAN), L"de" },                 /* primary */
        { MAKELANGID(LANG_GERMAN, SUBLANG_GERMAN_SWISS), L"de" },
        { MAKELANGID(LANG_FRENCH, SUBLANG_FRENCH_CANADIAN), L"fr" },
        { MAKELANGID(LANG_PORTUGUESE, SUBLANG_PORTUGUESE), L"pt-BR" },      /* same language elsewhere */
        { MAKELANGID(LANG_ENGLISH, SUBLANG_ENGLISH_US), L"en-US" },
        { MAKELANGID(LANG_ENGLISH, SUBLANG_ENGLISH_UK), L"en-US" },
        { MAKELANGID(LANG_JAPANESE, SUBLANG_DEFAULT), L"fr" },              /* the first */
    };
    const struct catalog_package *package = &catalog->packages[0];
    unsigned int i;

    (void)state;
    for (i = 0; i < ARRAY_SIZE(tests); i++)
        assert_wstr(tests[i].title, catalog_text_for(package, MAKELCID(tests[i].language, SORT_DEFAULT))->title);
    assert_wstr(L"fr", catalog_text_for(package, 0x7777)->title);
    assert_null(catalog_text_for(NULL, 0x409));
    catalog_free(catalog);
}

static void classification_guids(void **state)
{
    static const struct
    {
        const WCHAR *name;
        const WCHAR *guid;
    }
    tests[] =
    {
        { L"Updates", L"{CD5FFD1E-E932-4E3A-BF74-18BF0B1BBD83}" },
        { L"Critical Updates", L"{E6CF1350-C01B-414D-A61F-263D14D133B4}" },
        { L"Security Updates", L"{0FA1201D-4330-4FA8-8AE9-B877473B6441}" },
        { L"Feature Packs", L"{B54E7D24-7ADD-428F-8B75-90A396FA584F}" },
        { L"Update Rollups", L"{28BC880E-0592-4CBF-8F95-C79B17911D5F}" },
        { L"Service Packs", L"{68C5B0A3-D1A6-4553-AE49-01D3A7827828}" },
        { L"Tools", L"{B4832BD8-E735-4761-8DAF-37F882276DAB}" },
        { L"Drivers", L"{EBFC1FC5-71A4-4F7B-9ACA-3B9A503104A0}" },
        { L"updates", L"{CD5FFD1E-E932-4E3A-BF74-18BF0B1BBD83}" },
        { NULL, L"{5C9376AB-8CE6-464A-B136-22113DD69801}" },
    };
    GUID guid, expected;
    unsigned int i;

    (void)state;
    for (i = 0; i < ARRAY_SIZE(tests); i++)
    {
        memset(&guid, 0, sizeof(guid));
        assert_true(catalog_classification_guid(tests[i].name, &guid));
        expected = guid_of(tests[i].guid);
        assert_guid(&expected, &guid);
    }
    assert_false(catalog_classification_guid(L"Hotfixes", &guid));
    assert_false(catalog_classification_guid(L"Definition Updates", &guid));
    assert_false(catalog_classification_guid(L"", &guid));
    assert_false(catalog_classification_guid(L"Updates", NULL));
}

/* Version 5 GUIDs in OpenWUA's namespace {ded406d9-53f6-4163-a4ae-4736288933ab};
 * the expected values come from Python's uuid.uuid5. */
static void name_guids(void **state)
{
    static const struct
    {
        const WCHAR *name;
        const WCHAR *guid;
    }
    tests[] =
    {
        { L"HP Business Clients", L"{43a40282-e20c-576a-a7a2-6a92406944af}" },
        { L"Dell", L"{d1bb5956-f74e-5156-b1e7-02ce8708f231}" },
        { L"Dell/Drivers and Applications", L"{d3d28ca1-5f2a-5a09-bbca-cf102c4cbf55}" },
        { L"", L"{e747d76e-e382-53de-88f0-7d6be80ce661}" },
        { L"\x00dc" L"n" L"\x00ef" L"code", L"{d65e805f-6883-519c-a256-0afd82178de6}" },
    };
    GUID guid, expected;
    unsigned int i;

    (void)state;
    for (i = 0; i < ARRAY_SIZE(tests); i++)
    {
        assert_hr(S_OK, catalog_name_guid(tests[i].name, &guid));
        expected = guid_of(tests[i].guid);
        assert_guid(&expected, &guid);
    }
    assert_hr(E_INVALIDARG, catalog_name_guid(NULL, &guid));
    assert_hr(E_POINTER, catalog_name_guid(L"x", NULL));
}

/* --- the group --- */

static void delete_tree(const WCHAR *folder)
{
    WCHAR pattern[MAX_PATH], path[MAX_PATH];
    WIN32_FIND_DATAW data;
    HANDLE find;

    path_in(pattern, folder, L"*");
    if ((find = FindFirstFileW(pattern, &data)) == INVALID_HANDLE_VALUE) return;
    do
    {
        if (!wcscmp(data.cFileName, L".") || !wcscmp(data.cFileName, L"..")) continue;
        path_in(path, folder, data.cFileName);
        if (data.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) delete_tree(path);
        else DeleteFileW(path);
    } while (FindNextFileW(find, &data));
    FindClose(find);
    RemoveDirectoryW(folder);
}

static int make_temp_folder(void **state)
{
    WCHAR base[MAX_PATH];

    (void)state;
    if (!GetTempPathW(ARRAY_SIZE(base), base)) return -1;
    swprintf(temp_folder, ARRAY_SIZE(temp_folder), L"%lsopenwua-test-catalog-%lu", base, GetCurrentProcessId());
    delete_tree(temp_folder);
    return CreateDirectoryW(temp_folder, NULL) ? 0 : -1;
}

static int remove_temp_folder(void **state)
{
    (void)state;
    delete_tree(temp_folder);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] =
    {
        cmocka_unit_test(dell_msi_package),
        cmocka_unit_test(dell_command_line_package),
        cmocka_unit_test(hp_excerpt),
        cmocka_unit_test(hp_excerpt_regsz_attributes),
        cmocka_unit_test(hp_full_catalog),
        cmocka_unit_test(hp_full_catalog_cab),
        cmocka_unit_test(dell_sdp_cab),
        cmocka_unit_test(samples_not_catalogs),
        cmocka_unit_test(samples_free_everything),
        cmocka_unit_test(every_field_is_mapped),
        cmocka_unit_test(command_line_defaults),
        cmocka_unit_test(every_date_form),
        cmocka_unit_test(namespaces_by_uri),
        cmocka_unit_test(prefixes_alone_mean_nothing),
        cmocka_unit_test(rules_kept_as_written),
        cmocka_unit_test(eula_extension),
        cmocka_unit_test(expired_and_detectoids_left_out),
        cmocka_unit_test(utf16_documents),
        cmocka_unit_test(utf16_converted),
        cmocka_unit_test(long_comments),
        cmocka_unit_test(long_values),
        cmocka_unit_test(empty_catalog),
        cmocka_unit_test(bad_documents),
        cmocka_unit_test(entities_refused),
        cmocka_unit_test(nesting_limit),
        cmocka_unit_test(rule_attribute_limit),
        cmocka_unit_test(cab_with_one_catalog),
        cmocka_unit_test(cab_with_many_packages),
        cmocka_unit_test(bad_cabs),
        cmocka_unit_test(broken_cabs),
        cmocka_unit_test(nothing_leaks),
        cmocka_unit_test(limits),
        cmocka_unit_test(endless_values),
        cmocka_unit_test(long_values_load),
        cmocka_unit_test(million_packages),
        cmocka_unit_test(recursive_rules),
        cmocka_unit_test(entities_and_includes),
        cmocka_unit_test(cab_claims),
        cmocka_unit_test(locations),
        cmocka_unit_test(from_a_stream),
        cmocka_unit_test(text_for_locales),
        cmocka_unit_test(classification_guids),
        cmocka_unit_test(name_guids),
    };

    return _cmocka_run_group_tests(__FILE__, tests, ARRAY_SIZE(tests), make_temp_folder, remove_temp_folder);
}
