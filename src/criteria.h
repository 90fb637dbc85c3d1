/*
 * OpenWUA: the WUA search criteria language.  No COM objects in here.
 *
 * "IsInstalled=0 and Type='Software' or UpdateID='...'": criteria of the form
 * Name = value / Name != value / CategoryIDs contains 'guid', joined by "and",
 * with "or" only between and-groups (parentheses around an and-group allowed).
 * The accepted language, and every choice the documentation leaves open, is
 * described at the top of criteria.c.
 *
 * Copyright 2026 the OpenWUA authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef OPENWUA_CRITERIA_H
#define OPENWUA_CRITERIA_H

#include <windows.h>

/* Bounds on hostile text; anything past them is WU_E_INVALID_CRITERIA. */
#define CRITERIA_MAX_LENGTH 65536       /* characters before the terminating NUL */
#define CRITERIA_MAX_TERMS  4096        /* comparisons in the whole text */
#define CRITERIA_MAX_DEPTH  32          /* nested parentheses */

struct criteria;

/* What the criteria can ask about one update. */
struct criteria_subject
{
    GUID update_id;
    LONG revision;
    int type;                           /* UpdateType: 1 software, 2 driver */
    BOOL is_installed;
    BOOL is_hidden;
    BOOL is_assigned;
    BOOL is_present;
    BOOL browse_only;
    BOOL auto_select_on_websites;
    BOOL reboot_required;
    const GUID *categories;             /* may be NULL when category_count is 0 */
    unsigned int category_count;
};

/* Parses criteria; NULL, empty or blank text means the default "IsInstalled=0 and IsHidden=0".
 * Malformed or hostile text: WU_E_INVALID_CRITERIA, *out NULL.  NULL out: E_POINTER. */
HRESULT criteria_parse(const WCHAR *text, struct criteria **out);
void criteria_free(struct criteria *criteria);

/* Whether the update matches for the deployment action being searched
 * (DeploymentAction: 1 Installation, 2 Uninstallation, 3 Detection,
 * 4 OptionalInstallation).  An and-group without a DeploymentAction criterion
 * means Installation. */
BOOL criteria_match(const struct criteria *criteria, const struct criteria_subject *subject, int deployment_action);
/* The DeploymentActions any and-group asks for, as a bit mask of (1 << action). */
unsigned int criteria_deployment_actions(const struct criteria *criteria);
/* S_OK, or WU_S_SEARCH_CRITERIA_NOT_SUPPORTED when a criterion is valid WUA but
 * OpenWUA cannot evaluate it truthfully (it is then treated as not matching). */
HRESULT criteria_support(const struct criteria *criteria);

#endif
