/*
 * OpenWUA: the catalog model, loaded from SDP catalogs.  No COM objects in here.
 *
 * One package of an SDP catalog becomes one catalog_package: what IUpdate
 * shows, its applicability rules, and per installable item the installer data
 * and the file to download.  Strings are owned by the model; a catalog is
 * immutable once loaded and freed whole with catalog_free.
 *
 * Copyright 2026 the OpenWUA authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef OPENWUA_CATALOG_H
#define OPENWUA_CATALOG_H

#include <windows.h>
#include <objidl.h>
#include "rules.h"

struct string_list
{
    WCHAR **items;
    unsigned int count;
};

/* InstallProperties / UninstallProperties; values are the WUA enums. */
struct catalog_behavior
{
    BOOL present;
    BOOL can_request_user_input;
    BOOL requires_network;
    int impact;                 /* InstallationImpact: iiNormal default */
    int reboot;                 /* InstallationRebootBehavior: irbCanRequestReboot default */
};

enum catalog_result { CATALOG_RESULT_SUCCEEDED, CATALOG_RESULT_FAILED, CATALOG_RESULT_CANCELLED };

struct catalog_return_code
{
    LONG code;
    enum catalog_result result;
    BOOL reboot;
};

enum catalog_installer { CATALOG_INSTALLER_NONE, CATALOG_INSTALLER_COMMAND_LINE, CATALOG_INSTALLER_MSI,
                         CATALOG_INSTALLER_MSP };

struct catalog_file
{
    WCHAR *name;                /* OriginFile/@FileName, as written: checked before use */
    ULONGLONG size;
    BYTE sha1[20];
    BOOL no_digest;             /* no Digest (policy allowed): sha1 is not set, the size is the only check */
    BOOL has_sha256;
    BYTE sha256[32];
    WCHAR *uri;                 /* OriginFile/@OriginUri, may be NULL */
    FILETIME modified;
};

struct catalog_item
{
    GUID id;
    struct rule *is_installed;      /* each NULL when absent */
    struct rule *is_superseded;
    struct rule *is_installable;
    struct catalog_behavior install;
    struct catalog_behavior uninstall;
    enum catalog_installer installer;
    /* command line installer */
    WCHAR *program;
    WCHAR *arguments;
    enum catalog_result default_result;     /* Failed when not given */
    BOOL reboot_by_default;
    struct catalog_return_code *return_codes;
    unsigned int return_code_count;
    /* MSI (and MSP: product_code holds the PatchCode) installer */
    WCHAR *msi_file;
    WCHAR *product_code;
    WCHAR *command_line;
    WCHAR *uninstall_command_line;
    struct catalog_file *file;      /* NULL when the item has no OriginFile */
    struct string_list languages;
};

struct catalog_text
{
    WCHAR *language;
    WCHAR *title;
    WCHAR *description;
};

struct catalog_package
{
    GUID id;                        /* Properties/@PackageID */
    LONG revision;                  /* 1: SDP has none */
    WCHAR *vendor;                  /* may be NULL */
    struct string_list products;
    FILETIME created;               /* UTC */
    int type;                       /* UpdateType: utSoftware or utDriver */
    struct catalog_text *texts;     /* at least one */
    unsigned int text_count;
    WCHAR *classification;          /* UpdateSpecificData/@UpdateClassification; NULL for application data */
    WCHAR *severity;                /* MsrcSeverity, or NULL */
    struct string_list kb_ids;
    struct string_list bulletin_ids;
    struct string_list cve_ids;
    struct string_list more_info_urls;
    WCHAR *support_url;
    struct rule *is_installed;      /* package level; NULL when absent */
    struct rule *is_installable;
    GUID *superseded;               /* SupersededPackages */
    unsigned int superseded_count;
    struct catalog_item *items;
    unsigned int item_count;
    WCHAR *eula;                    /* OpenWUA's EULA extension; NULL: the update has no EULA */
};

struct catalog
{
    struct catalog_package *packages;
    unsigned int package_count;
};

/* OpenWUA's own SDP extension namespace (the EULA element); see docs/catalog-guide.md. */
#define CATALOG_EXTENSION_NS L"urn:openwua:sdp-extensions:2026"

/* Limits that keep a hostile catalog from exhausting the process. */
#define CATALOG_MAX_BYTES (512u << 20)      /* one XML document */
#define CATALOG_MAX_DEPTH 256               /* element nesting */
#define CATALOG_MAX_PACKAGES 200000
#define CATALOG_MAX_NODE_BYTES (16u << 20)  /* bytes between two '<' (UTF-8): one text node, tag or CDATA */
#define CATALOG_MAX_COMMENT_BYTES (64u << 10)   /* one comment or processing instruction */
#define CATALOG_MAX_RULE_ATTRS 64               /* attributes of one rule element */

/* Loads a catalog from a local or UNC path, a file:// URL, or an http(s):// URL
 * (fetched into OpenWUA's catalog cache by transport.c): an SDP XML document
 * (a SystemsManagementCatalog or a standalone SoftwareDistributionPackage), or a
 * .cab holding one such XML document or one .sdp file per package (HP's layout).
 * Expired packages and detectoids are left out.  Errors: WU_E_XML_INVALID for a
 * document that is not a valid catalog, WU_E_XML_MISSINGDATA for a required
 * element or attribute that is missing, HRESULT_FROM_WIN32 for files that cannot
 * be read, the transport's WU_E_PT_* codes for a fetch that fails (never a stale
 * cached copy instead), E_OUTOFMEMORY.  On error *out is NULL and nothing else changed. */
HRESULT catalog_load(const WCHAR *location, struct catalog **out);

/* The policy HKLM\Software\OpenWUA, DWORD AllowContentWithoutDigest = 1:
 * an OriginFile without a Digest is loaded (no_digest set) and its content
 * downloaded and checked by its size only.  Without it such a catalog does
 * not load (WU_E_XML_MISSINGDATA), and a file loaded while the policy was on
 * fails its download with WU_E_METADATA_NO_VERIFICATION_DATA once it is off.
 * Read each time: a change counts from the next load or download on. */
BOOL catalog_allows_no_digest(void);
/* The same for one XML document in a stream. */
HRESULT catalog_load_stream(IStream *stream, struct catalog **out);
void catalog_free(struct catalog *catalog);

/* The text for a locale: exact language, then its primary language, then the first. */
const struct catalog_text *catalog_text_for(const struct catalog_package *package, LCID locale);

/* The WSUS category GUID of an UpdateClassification name (or of application
 * data when name is NULL); FALSE for names WSUS has no category for. */
BOOL catalog_classification_guid(const WCHAR *name, GUID *guid);
/* A stable name-based GUID (RFC 4122 version 5, OpenWUA's namespace) for the
 * company and product categories SDP names but does not number. */
HRESULT catalog_name_guid(const WCHAR *name, GUID *guid);

#endif
