/*
 * OpenWUA tests: the search criteria language (parser and matching).
 *
 * Copyright 2026 the OpenWUA authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include "common.h"
#include "criteria.h"

/* 12345678-9abc-def0-1234-56789abcdef0, the documentation's example id. */
static const GUID id_a = { 0x12345678, 0x9abc, 0xdef0, { 0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0 } };
/* 3f5c2b1a-0d4e-4c6b-9a8f-7e6d5c4b3a29 */
static const GUID id_b = { 0x3f5c2b1a, 0x0d4e, 0x4c6b, { 0x9a, 0x8f, 0x7e, 0x6d, 0x5c, 0x4b, 0x3a, 0x29 } };
/* The subject is in Security Updates (as DSC asks for it) and Critical Updates. */
static const GUID subject_categories[] =
{
    { 0x0fa1201d, 0x4330, 0x4fa8, { 0x8a, 0xe9, 0xb8, 0x77, 0x47, 0x3b, 0x64, 0x41 } },
    { 0xe6cf1350, 0xc01b, 0x414d, { 0xa6, 0x1f, 0x26, 0x3d, 0x14, 0xd1, 0x33, 0xb4 } },
};

#define ID_A     L"12345678-9abc-def0-1234-56789abcdef0"
#define ID_B     L"3f5c2b1a-0d4e-4c6b-9a8f-7e6d5c4b3a29"
#define SECURITY L"0FA1201D-4330-4FA8-8AE9-B877473B6441"
#define CRITICAL L"e6cf1350-c01b-414d-a61f-263d14d133b4"
/* Update Rollups, which the subject is not in. */
#define ROLLUPS  L"28bc880e-0592-4cbf-8f95-c79b17911d5f"

/* Software update id_a revision 200, assigned, in Security and Critical; every other flag off. */
static struct criteria_subject base_subject(void)
{
    struct criteria_subject subject = { 0 };

    subject.update_id = id_a;
    subject.revision = 200;
    subject.type = utSoftware;
    subject.is_assigned = TRUE;
    subject.categories = subject_categories;
    subject.category_count = 2;
    return subject;
}

static struct criteria *parse_ok(const WCHAR *text)
{
    struct criteria *criteria = (struct criteria *)&criteria;
    HRESULT hr = criteria_parse(text, &criteria);

    if (hr != S_OK) print_message("refused: %.120ls\n", text);
    assert_hr(S_OK, hr);
    assert_non_null(criteria);
    return criteria;
}

static void check_valid(const WCHAR *text)
{
    struct criteria *criteria = parse_ok(text);

    assert_hr(S_OK, criteria_support(criteria));
    criteria_free(criteria);
}

static void check_invalid(const WCHAR *text)
{
    struct criteria *criteria = (struct criteria *)&criteria;
    HRESULT hr = criteria_parse(text, &criteria);

    if (hr != WU_E_INVALID_CRITERIA) print_message("accepted: %.120ls\n", text);
    assert_hr(WU_E_INVALID_CRITERIA, hr);
    assert_null(criteria);
}

static void check_invalid_quickly(const WCHAR *text)
{
    ULONGLONG start = GetTickCount64();

    check_invalid(text);
    assert_true(GetTickCount64() - start < 1000);
}

static BOOL matches_for(const WCHAR *text, const struct criteria_subject *subject, int action)
{
    struct criteria *criteria = parse_ok(text);
    BOOL result = criteria_match(criteria, subject, action);

    criteria_free(criteria);
    return result;
}

static BOOL matches(const WCHAR *text, const struct criteria_subject *subject)
{
    return matches_for(text, subject, daInstallation);
}

static unsigned int actions_of(const WCHAR *text)
{
    struct criteria *criteria = parse_ok(text);
    unsigned int actions = criteria_deployment_actions(criteria);

    criteria_free(criteria);
    return actions;
}

/* Truth tables over four flags: bit n of a table is the expected result for the
 * subject with IsInstalled = n & 1, IsHidden = n & 2, IsPresent = n & 4 and
 * RebootRequired = n & 8.  The tables of the single flags: */
#define T_I 0xaaaau
#define T_H 0xccccu
#define T_P 0xf0f0u
#define T_R 0xff00u
#define T_ALL 0xffffu

static unsigned int truth_table(const WCHAR *text)
{
    struct criteria *criteria = parse_ok(text);
    struct criteria_subject subject = base_subject();
    unsigned int n, table = 0;

    for (n = 0; n < 16; n++)
    {
        subject.is_installed = !!(n & 1);
        subject.is_hidden = !!(n & 2);
        subject.is_present = !!(n & 4);
        subject.reboot_required = !!(n & 8);
        if (criteria_match(criteria, &subject, daInstallation)) table |= 1u << n;
    }
    criteria_free(criteria);
    return table;
}

static void check_truth(const WCHAR *text, unsigned int expected)
{
    unsigned int table = truth_table(text);

    if (table != (expected & T_ALL)) print_message("%ls\n", text);
    assert_int_equal(expected & T_ALL, table);
}

/* head, then unit count times, then tail; the caller frees it. */
static WCHAR *repeat(const WCHAR *head, const WCHAR *unit, unsigned int count, const WCHAR *tail)
{
    size_t head_len = wcslen(head), unit_len = wcslen(unit), tail_len = wcslen(tail);
    WCHAR *text = malloc((head_len + unit_len * count + tail_len + 1) * sizeof(WCHAR)), *p;
    unsigned int i;

    assert_non_null(text);
    memcpy(text, head, head_len * sizeof(WCHAR));
    p = text + head_len;
    for (i = 0; i < count; i++, p += unit_len) memcpy(p, unit, unit_len * sizeof(WCHAR));
    memcpy(p, tail, (tail_len + 1) * sizeof(WCHAR));
    return text;
}

static void real_client_criteria_are_accepted(void **state)
{
    static const WCHAR *const texts[] =
    {
        /* SDK samples */
        L"IsInstalled=0 and Type='Software' and IsHidden=0",
        L"IsInstalled=0",
        L"Type='Software'",
        /* Ansible win_updates */
        L"IsInstalled = 0",
        /* PSWindowsUpdate, built by concatenation */
        L"IsInstalled = 0 and IsHidden = 0 and Type = 'Driver'",
        L"IsInstalled = 0 and IsHidden = 0 and RebootRequired = 0",
        L"IsInstalled = 1 and Type = 'Software' and IsHidden = 1 and RebootRequired = 0 and DeploymentAction = "
        L"'Uninstallation' and IsAssigned = 0 and IsPresent = 1 and BrowseOnly = 1 and AutoSelectOnWebSites = 0 "
        L"and UpdateID != '" ID_B L"'",
        L"(IsInstalled = 0 and IsHidden = 0 and UpdateID = '" ID_A L"' and RevisionNumber = 200) or "
        L"(IsInstalled = 0 and IsHidden = 0 and UpdateID = '" ID_B L"' and RevisionNumber = 200)",
        L"(IsInstalled = 0 and IsHidden = 0 and CategoryIDs contains '" SECURITY L"') or "
        L"(IsInstalled = 0 and IsHidden = 0 and CategoryIDs contains '" CRITICAL L"')",
        L"( IsInstalled = 0 and IsHidden = 0 and CategoryIds contains '0fa1201d-4330-4fa8-8ae9-b877473b6441' )",
        /* Boxstarter */
        L"IsHidden=0 and IsInstalled=0 and Type='Software'",
        /* SaltStack */
        L"Type='Software' or Type='Driver'",
        /* Puppet os_patching */
        L"IsInstalled=0 and IsHidden=0",
        /* DSC xWindowsUpdateAgent */
        L"IsAssigned=1 and IsHidden=0 and IsInstalled=0",
        L"CategoryIds contains '0FA1201D-4330-4FA8-8AE9-B877473B6441'",
        /* WSUS Offline Update */
        L"Type='Software' and IsInstalled=0 and IsHidden=0",
        /* Microsoft DSC v3 */
        L"IsInstalled=0 or IsInstalled=1",
        /* the documentation's own examples */
        L"( IsInstalled = 0 and IsHidden = 0 )",
        L" ( IsHidden = 1 )",
        L"AutoSelectOnWebSites = 1",
        L"UpdateID='12345678-9abc-def0-1234-56789abcdef0'",
        L"UpdateID!='12345678-9abc-def0-1234-56789abcdef0'",
        L"UpdateID='12345678-9abc-def0-1234-56789abcdef0' and RevisionNumber=100",
        L"DeploymentAction='Installation'",
        L"DeploymentAction='Uninstallation'",
        L"(IsInstalled=1 and IsHidden=1) or (IsPresent=1)",
    };
    struct criteria_subject subject = base_subject();
    unsigned int i;

    (void)state;
    for (i = 0; i < ARRAYSIZE(texts); i++) check_valid(texts[i]);

    /* and they select what their authors meant */
    assert_true(matches(L"IsAssigned=1 and IsHidden=0 and IsInstalled=0", &subject));
    assert_true(matches(L"CategoryIds contains '0FA1201D-4330-4FA8-8AE9-B877473B6441'", &subject));
    assert_true(matches(L"(IsInstalled = 0 and IsHidden = 0 and UpdateID = '" ID_B L"' and RevisionNumber = 200) or "
                        L"(IsInstalled = 0 and IsHidden = 0 and UpdateID = '" ID_A L"' and RevisionNumber = 200)",
                        &subject));
    assert_false(matches(L"IsInstalled = 0 and IsHidden = 0 and Type = 'Driver'", &subject));
    subject.is_hidden = TRUE;
    assert_false(matches(L"IsHidden=0 and IsInstalled=0 and Type='Software'", &subject));
}

static void null_and_empty_mean_the_default(void **state)
{
    static const WCHAR *const texts[] = { NULL, L"", L" ", L" \t\r\n ", L"IsInstalled=0 and IsHidden=0" };
    unsigned int i;

    (void)state;
    for (i = 0; i < ARRAYSIZE(texts); i++)
    {
        check_truth(texts[i], ~T_I & ~T_H);
        assert_int_equal(1u << daInstallation, actions_of(texts[i]));
    }
    assert_hr(E_POINTER, criteria_parse(L"IsInstalled=0", NULL));
    assert_hr(E_POINTER, criteria_parse(NULL, NULL));
}

static const struct
{
    const WCHAR *name;
    size_t offset;
}
flags[] =
{
    { L"IsInstalled",          offsetof(struct criteria_subject, is_installed) },
    { L"IsHidden",             offsetof(struct criteria_subject, is_hidden) },
    { L"IsAssigned",           offsetof(struct criteria_subject, is_assigned) },
    { L"IsPresent",            offsetof(struct criteria_subject, is_present) },
    { L"BrowseOnly",           offsetof(struct criteria_subject, browse_only) },
    { L"AutoSelectOnWebSites", offsetof(struct criteria_subject, auto_select_on_websites) },
    { L"RebootRequired",       offsetof(struct criteria_subject, reboot_required) },
};

static void set_flag(struct criteria_subject *subject, size_t offset, BOOL value)
{
    *(BOOL *)((char *)subject + offset) = value;
}

static void boolean_criteria_match_their_flag(void **state)
{
    static const WCHAR *const bad_forms[] =
    {
        L"%ls!=0", L"%ls != 1", L"%ls contains 1", L"%ls=2", L"%ls=-1", L"%ls='0'", L"%ls='1'", L"%ls=true",
        L"%ls=True", L"%ls", L"%ls=", L"%ls=1 %ls=0", L"%ls=0x1",
    };
    struct criteria_subject subject;
    WCHAR text[128];
    unsigned int i, j, value;
    BOOL flag;

    (void)state;
    for (i = 0; i < ARRAYSIZE(flags); i++)
    {
        for (value = 0; value < 2; value++)
        {
            for (flag = FALSE; flag <= TRUE; flag++)
            {
                subject = base_subject();
                set_flag(&subject, flags[i].offset, flag);
                swprintf(text, ARRAYSIZE(text), L"%ls=%u", flags[i].name, value);
                if (matches(text, &subject) != (flag == (BOOL)value)) print_message("%ls flag %d\n", text, flag);
                assert_int_equal(flag == (BOOL)value, matches(text, &subject));
                /* any non-zero BOOL counts as set */
                if (flag)
                {
                    set_flag(&subject, flags[i].offset, 2);
                    assert_int_equal(value == 1, matches(text, &subject));
                }
            }
        }
        for (j = 0; j < ARRAYSIZE(bad_forms); j++)
        {
            swprintf(text, ARRAYSIZE(text), bad_forms[j], flags[i].name, flags[i].name);
            check_invalid(text);
        }
    }
}

static void type_criterion(void **state)
{
    struct criteria_subject software = base_subject(), driver = base_subject();

    (void)state;
    driver.type = utDriver;
    assert_true(matches(L"Type='Software'", &software));
    assert_false(matches(L"Type='Software'", &driver));
    assert_true(matches(L"Type='Driver'", &driver));
    assert_false(matches(L"Type='Driver'", &software));
    assert_true(matches(L"Type!='Software'", &driver));
    assert_false(matches(L"Type!='Software'", &software));
    assert_true(matches(L"Type != 'Driver'", &software));
    assert_false(matches(L"Type != 'Driver'", &driver));
    assert_true(matches(L"type='sOfTwArE'", &software));
    assert_true(matches(L"TYPE='DRIVER'", &driver));
    assert_true(matches(L"Type='Software' or Type='Driver'", &software));
    assert_true(matches(L"Type='Software' or Type='Driver'", &driver));

    check_invalid(L"Type='Softwares'");
    check_invalid(L"Type='Soft'");
    check_invalid(L"Type=''");
    check_invalid(L"Type=' Software'");
    check_invalid(L"Type='Software '");
    check_invalid(L"Type=1");
    check_invalid(L"Type=Software");
    check_invalid(L"Type contains 'Software'");
    check_invalid(L"Type=\"Software\"");
}

static void update_id_and_guid_forms(void **state)
{
    static const WCHAR *const same[] =
    {
        L"UpdateID='12345678-9abc-def0-1234-56789abcdef0'",
        L"UpdateID='12345678-9ABC-DEF0-1234-56789ABCDEF0'",
        L"UpdateID='{12345678-9abc-def0-1234-56789abcdef0}'",
        L"UpdateID='{12345678-9ABC-def0-1234-56789AbCdEf0}'",
        L"updateid = '12345678-9abc-def0-1234-56789abcdef0'",
    };
    static const WCHAR *const bad[] =
    {
        L"UpdateID='{12345678-9abc-def0-1234-56789abcdef0'",
        L"UpdateID='12345678-9abc-def0-1234-56789abcdef0}'",
        L"UpdateID='(12345678-9abc-def0-1234-56789abcdef0)'",
        L"UpdateID='{{12345678-9abc-def0-1234-56789abcdef0}}'",
        L"UpdateID='123456789abcdef0123456789abcdef0'",
        L"UpdateID='1234567-89abc-def0-1234-56789abcdef0'",
        L"UpdateID='12345678-9abc-def0-123456789abcdef0'",
        L"UpdateID='12345678-9abc-def0-1234-56789abcdef'",
        L"UpdateID='12345678-9abc-def0-1234-56789abcdef00'",
        L"UpdateID='g2345678-9abc-def0-1234-56789abcdef0'",
        L"UpdateID='12345678-9abc-def0-1234-56789abcdefg'",
        L"UpdateID=' 12345678-9abc-def0-1234-56789abcdef0'",
        L"UpdateID='12345678-9abc-def0-1234-56789abcdef0 '",
        L"UpdateID='12345678 9abc def0 1234 56789abcdef0'",
        L"UpdateID='12345678-+abc-def0-1234-56789abcdef0'",
        L"UpdateID=''",
        L"UpdateID=12345678",
        L"UpdateID=12345678-9abc-def0-1234-56789abcdef0",
        L"UpdateID contains '12345678-9abc-def0-1234-56789abcdef0'",
    };
    struct criteria_subject a = base_subject(), b = base_subject();
    unsigned int i;

    (void)state;
    b.update_id = id_b;
    for (i = 0; i < ARRAYSIZE(same); i++)
    {
        assert_true(matches(same[i], &a));
        assert_false(matches(same[i], &b));
    }
    assert_false(matches(L"UpdateID!='" ID_A L"'", &a));
    assert_true(matches(L"UpdateID!='" ID_A L"'", &b));
    assert_true(matches(L"UpdateID='" ID_A L"' or UpdateID='" ID_B L"'", &b));
    /* Data4 is compared byte by byte: a GUID differing only in its last byte */
    assert_false(matches(L"UpdateID='12345678-9abc-def0-1234-56789abcdef1'", &a));
    assert_false(matches(L"UpdateID='12345678-9abc-def0-1334-56789abcdef0'", &a));
    for (i = 0; i < ARRAYSIZE(bad); i++) check_invalid(bad[i]);
}

static void revision_number_needs_update_id(void **state)
{
    struct criteria_subject subject = base_subject();

    (void)state;
    assert_true(matches(L"UpdateID='" ID_A L"' and RevisionNumber=200", &subject));
    assert_true(matches(L"RevisionNumber=200 and UpdateID='" ID_A L"'", &subject));
    assert_true(matches(L"(UpdateID='" ID_A L"') and (RevisionNumber=200)", &subject));
    assert_false(matches(L"UpdateID='" ID_A L"' and RevisionNumber=201", &subject));
    assert_false(matches(L"UpdateID='" ID_B L"' and RevisionNumber=200", &subject));
    /* an extra UpdateID != next to the UpdateID = (PSWindowsUpdate's NotUpdateID) */
    assert_true(matches(L"UpdateID != '" ID_B L"' and UpdateID = '" ID_A L"' and RevisionNumber = 200", &subject));
    subject.revision = -5;
    assert_true(matches(L"UpdateID='" ID_A L"' and RevisionNumber=-5", &subject));

    check_invalid(L"RevisionNumber=200");
    check_invalid(L"RevisionNumber=200 and IsInstalled=0");
    check_invalid(L"UpdateID!='" ID_A L"' and RevisionNumber=200");
    check_invalid(L"UpdateID='" ID_A L"' or RevisionNumber=200");
    check_invalid(L"RevisionNumber=200 or UpdateID='" ID_A L"'");
    check_invalid(L"(UpdateID='" ID_A L"') or (RevisionNumber=200)");
    check_invalid(L"UpdateID='" ID_A L"' and RevisionNumber=1 or IsInstalled=0 and RevisionNumber=1");
    check_invalid(L"UpdateID='" ID_A L"' and RevisionNumber!=200");
    check_invalid(L"UpdateID='" ID_A L"' and RevisionNumber='200'");
    check_invalid(L"UpdateID='" ID_A L"' and RevisionNumber contains 200");
}

static void category_ids_contains(void **state)
{
    struct criteria_subject subject = base_subject(), none = base_subject();

    (void)state;
    none.categories = NULL;
    none.category_count = 0;
    assert_true(matches(L"CategoryIDs contains '" SECURITY L"'", &subject));
    assert_true(matches(L"CategoryIDs contains '" CRITICAL L"'", &subject));
    assert_true(matches(L"categoryids CONTAINS '{" CRITICAL L"}'", &subject));
    assert_false(matches(L"CategoryIDs contains '" ROLLUPS L"'", &subject));
    assert_false(matches(L"CategoryIDs contains '" SECURITY L"'", &none));
    assert_true(matches(L"CategoryIDs contains '" SECURITY L"' and CategoryIDs contains '" CRITICAL L"'", &subject));
    assert_false(matches(L"CategoryIDs contains '" SECURITY L"' and CategoryIDs contains '" ROLLUPS L"'", &subject));
    assert_true(matches(L"CategoryIDs contains '" ROLLUPS L"' or CategoryIDs contains '" CRITICAL L"'", &subject));
    assert_true(matches(L"CategoryIDs contains'" SECURITY L"'", &subject));

    check_invalid(L"CategoryIDs = '" SECURITY L"'");
    check_invalid(L"CategoryIDs != '" SECURITY L"'");
    check_invalid(L"CategoryIDs contains 1");
    check_invalid(L"CategoryIDs contains 'Security Updates'");
    check_invalid(L"CategoryIDs contains");
    check_invalid(L"CategoryIDs contain '" SECURITY L"'");
    check_invalid(L"CategoryIDs contains contains '" SECURITY L"'");
    check_invalid(L"CategoryIDscontains '" SECURITY L"'");
    check_invalid(L"CategoryID contains '" SECURITY L"'");
    check_invalid(L"IsInstalled contains 0");
}

static void deployment_actions(void **state)
{
    static const int strange_actions[] = { 0, -1, 5, 31, 32, 99, INT_MIN, INT_MAX };
    static const WCHAR both[] = L"DeploymentAction='Installation' and IsInstalled=0 or "
                                L"DeploymentAction='Uninstallation' and IsInstalled=1";
    struct criteria_subject missing = base_subject(), installed = base_subject();
    struct criteria *criteria;
    unsigned int i;
    int action;

    (void)state;
    installed.is_installed = TRUE;

    /* no DeploymentAction: Installation */
    assert_int_equal(1u << daInstallation, actions_of(L"IsInstalled=0"));
    assert_true(matches_for(L"IsInstalled=0", &missing, daInstallation));
    assert_false(matches_for(L"IsInstalled=0", &missing, daUninstallation));
    assert_false(matches_for(L"IsInstalled=0 or IsInstalled=1", &installed, daUninstallation));

    assert_int_equal(1u << daUninstallation, actions_of(L"DeploymentAction='Uninstallation' and IsInstalled=1"));
    assert_true(matches_for(L"DeploymentAction='Uninstallation' and IsInstalled=1", &installed, daUninstallation));
    assert_false(matches_for(L"DeploymentAction='Uninstallation' and IsInstalled=1", &installed, daInstallation));
    assert_false(matches_for(L"DeploymentAction='Uninstallation' and IsInstalled=1", &missing, daUninstallation));
    assert_int_equal(1u << daUninstallation, actions_of(L"deploymentaction = 'UNINSTALLATION'"));

    /* each and-group asks for its own action */
    assert_int_equal((1u << daInstallation) | (1u << daUninstallation), actions_of(both));
    assert_true(matches_for(both, &missing, daInstallation));
    assert_false(matches_for(both, &missing, daUninstallation));
    assert_false(matches_for(both, &installed, daInstallation));
    assert_true(matches_for(both, &installed, daUninstallation));
    assert_int_equal((1u << daInstallation) | (1u << daUninstallation),
                     actions_of(L"IsInstalled=0 or DeploymentAction='Uninstallation'"));

    assert_int_equal(1u << daOptionalInstallation, actions_of(L"DeploymentAction='OptionalInstallation'"));
    assert_true(matches_for(L"DeploymentAction='OptionalInstallation'", &missing, daOptionalInstallation));
    assert_false(matches_for(L"DeploymentAction='OptionalInstallation'", &missing, daInstallation));
    assert_int_equal(1u << daDetection, actions_of(L"DeploymentAction='Detection' and IsInstalled=0"));
    assert_true(matches_for(L"DeploymentAction='Detection' and IsInstalled=0", &missing, daDetection));

    /* contradictory actions in one group: it asks for nothing */
    assert_int_equal(0, actions_of(L"DeploymentAction='Installation' and DeploymentAction='Uninstallation'"));
    for (action = daInstallation; action <= daOptionalInstallation; action++)
        assert_false(matches_for(L"DeploymentAction='Installation' and DeploymentAction='Uninstallation'",
                                 &missing, action));
    assert_int_equal(1u << daInstallation,
                     actions_of(L"DeploymentAction='Installation' and DeploymentAction='installation'"));

    criteria = parse_ok(L"IsInstalled=0 or IsInstalled=1 or DeploymentAction='Uninstallation'");
    for (i = 0; i < ARRAYSIZE(strange_actions); i++)
        assert_false(criteria_match(criteria, &missing, strange_actions[i]));
    criteria_free(criteria);

    check_invalid(L"DeploymentAction!='Installation'");
    check_invalid(L"DeploymentAction=1");
    check_invalid(L"DeploymentAction='None'");
    check_invalid(L"DeploymentAction='Install'");
    check_invalid(L"DeploymentAction='Optional Installation'");
    check_invalid(L"DeploymentAction=''");
    check_invalid(L"DeploymentAction=Installation");
    check_invalid(L"DeploymentAction contains 'Installation'");
}

static void names_and_keywords_ignore_case(void **state)
{
    (void)state;
    check_truth(L"isinstalled=0 and ishidden=0", ~T_I & ~T_H);
    check_truth(L"ISINSTALLED=0 AND ISHIDDEN=0", ~T_I & ~T_H);
    check_truth(L"IsInstalled=0 And isHidden=0", ~T_I & ~T_H);
    check_truth(L"iSiNsTaLlEd=1 Or IsPresent=1", T_I | T_P);
    check_truth(L"REBOOTREQUIRED=1 OR ispresent=1", T_R | T_P);
    check_valid(L"ISASSIGNED=1 and browseonly=0 and AUTOSELECTONWEBSITES=1");
    check_valid(L"UPDATEID='" ID_A L"' AND REVISIONNUMBER=1");
    /* ASCII folding only: no dotted capital I, no fullwidth or Cyrillic letters */
    check_invalid(L"Is\x0130nstalled=0");
    check_invalid(L"\xff29sInstalled=0");
    check_invalid(L"IsInstalled=0 \x0430nd IsHidden=0");
    check_invalid(L"IsInstalled=0 AN\x0110 IsHidden=0");
}

static void blanks_are_flexible(void **state)
{
    (void)state;
    check_truth(L"IsInstalled=1", T_I);
    check_truth(L"   IsInstalled   =   1   ", T_I);
    check_truth(L"\tIsInstalled\t=\t1\tand\tIsHidden\t=\t1\t", T_I & T_H);
    check_truth(L"IsInstalled=1\r\nand\r\nIsHidden=1\n", T_I & T_H);
    check_truth(L"IsInstalled=1\nor\nIsHidden=1", T_I | T_H);
    check_truth(L"(IsInstalled=1)or(IsHidden=1)", T_I | T_H);
    check_truth(L"(IsInstalled=1)and(IsHidden=1)", T_I & T_H);
    check_truth(L"( ( IsInstalled=1 ) )", T_I);
    check_truth(L"Type='Software'and IsHidden=1", T_H);
    check_truth(L"UpdateID!='" ID_B L"'or IsHidden=1", T_ALL);
    check_truth(L"IsInstalled=1 and(IsHidden=1)", T_I & T_H);
    check_truth(L"IsInstalled=-0", ~T_I);
    check_truth(L"IsInstalled=01", T_I);

    check_invalid(L"IsInstalled=1and IsHidden=1");
    check_invalid(L"IsInstalled=1 andIsHidden=1");
    check_invalid(L"IsInstalled=1 or(IsHidden=1)andIsPresent=1");
    check_invalid(L"IsInstalled=1\x00a0" L"and IsHidden=1");
    check_invalid(L"IsInstalled\x3000=1");
    check_invalid(L"IsInstalled=1\vand IsHidden=1");
    check_invalid(L"IsInstalled=1\fand IsHidden=1");
    check_invalid(L"Is Installed=1");
    check_invalid(L"IsInstalled = - 1");
    check_invalid(L"IsInstalled ! = 1");
}

static void and_binds_tighter_than_or(void **state)
{
    (void)state;
    check_truth(L"IsInstalled=1 and IsHidden=1 or IsPresent=1 and RebootRequired=1", (T_I & T_H) | (T_P & T_R));
    check_truth(L"IsInstalled=1 or IsHidden=1 and IsPresent=1 or RebootRequired=1", T_I | (T_H & T_P) | T_R);
    check_truth(L"IsInstalled=1 and IsHidden=1 or IsPresent=1", (T_I & T_H) | T_P);
    check_truth(L"IsInstalled=1 or IsHidden=1 and IsPresent=1", T_I | (T_H & T_P));
    check_truth(L"IsInstalled=0 and IsHidden=0 and IsPresent=0 and RebootRequired=0", 1);
    check_truth(L"IsInstalled=1 or IsHidden=1 or IsPresent=1 or RebootRequired=1", T_ALL & ~1u);
}

static void parentheses_forms(void **state)
{
    static const WCHAR *const bad[] =
    {
        L"(IsInstalled=1", L"IsInstalled=1)", L"((IsInstalled=1)", L"(IsInstalled=1))", L")IsInstalled=1(",
        L"()", L"( )", L"(())", L"IsInstalled=1 and ()", L"() or IsInstalled=1", L"(IsInstalled=1 and)",
        L"(and IsInstalled=1)", L"(IsInstalled=1 or)", L"(or IsInstalled=1)", L"(IsInstalled=1) (IsHidden=1)",
        L"(IsInstalled)=1", L"(IsInstalled=)1", L"IsInstalled(=1)", L"IsInstalled=(1)",
        L"Type=('Software')", L"(IsInstalled=1) IsHidden=1",
    };
    unsigned int i;

    (void)state;
    check_truth(L"(IsInstalled=1)", T_I);
    check_truth(L"((IsInstalled=1))", T_I);
    check_truth(L"(IsInstalled=1 and IsHidden=1)", T_I & T_H);
    check_truth(L"(IsInstalled=1) and (IsHidden=0)", T_I & ~T_H);
    check_truth(L"(IsInstalled=1 and (IsHidden=1 and (IsPresent=1)))", T_I & T_H & T_P);
    check_truth(L"((IsInstalled=1 and IsHidden=1)) or ((IsPresent=1))", (T_I & T_H) | T_P);
    check_truth(L"(IsInstalled=1 and IsHidden=1) or (IsPresent=1 and RebootRequired=1)", (T_I & T_H) | (T_P & T_R));
    /* redundant parentheses around the whole, "or" included */
    check_truth(L"(IsInstalled=1 or IsHidden=1)", T_I | T_H);
    check_truth(L"((IsInstalled=1 or IsHidden=1))", T_I | T_H);
    check_truth(L"(IsInstalled=1 and IsHidden=1 or IsPresent=1)", (T_I & T_H) | T_P);
    /* parenthesised or-lists among the top-level alternatives */
    check_truth(L"(IsInstalled=1 or IsHidden=1) or IsPresent=1", T_I | T_H | T_P);
    check_truth(L"IsInstalled=1 or (IsHidden=1 or (IsPresent=1 and RebootRequired=0))", T_I | T_H | (T_P & ~T_R));
    /* PSWindowsUpdate's UpdateID list wrapped again for its CategoryIDs list */
    check_truth(L"((IsInstalled=1) or (IsHidden=1) and IsPresent=1) or ((IsInstalled=1) or (IsHidden=1) and "
                L"RebootRequired=1)", T_I | (T_H & T_P) | (T_H & T_R));
    for (i = 0; i < ARRAYSIZE(bad); i++) check_invalid(bad[i]);
}

static void or_only_at_the_top_level(void **state)
{
    static const WCHAR *const bad[] =
    {
        L"(IsInstalled=1) and (IsHidden=1 or IsPresent=1)",     /* the documentation's example */
        L"IsInstalled=1 and (IsHidden=1 or IsPresent=1)",
        L"(IsInstalled=1 or IsHidden=1) and IsPresent=1",
        L"((IsInstalled=1 or IsHidden=1)) and IsPresent=1",
        L"(IsPresent=1 and (IsInstalled=1 or IsHidden=1))",
        L"((IsInstalled=1 or IsHidden=1) and IsPresent=1) or RebootRequired=1",
        L"IsPresent=1 and ((IsInstalled=1) or IsHidden=1)",
        L"IsPresent=1 and (IsInstalled=1 or IsHidden=1) or RebootRequired=1",
        L"RebootRequired=1 or IsPresent=1 and (IsInstalled=1 or IsHidden=1)",
        L"(IsPresent=1 and (IsInstalled=1 and (IsHidden=1 or RebootRequired=1)))",
        L"IsPresent=1 and (IsInstalled=1 and IsHidden=1 or RebootRequired=1)",
    };
    unsigned int i;

    (void)state;
    for (i = 0; i < ARRAYSIZE(bad); i++) check_invalid(bad[i]);
}

static void duplicate_criteria_are_anded(void **state)
{
    struct criteria_subject software = base_subject(), driver = base_subject();

    (void)state;
    driver.type = utDriver;
    check_truth(L"IsInstalled=0 and IsInstalled=1", 0);
    check_truth(L"IsInstalled=1 and IsInstalled=1", T_I);
    check_truth(L"IsInstalled=1 and IsHidden=1 and IsInstalled=1", T_I & T_H);
    assert_true(matches(L"Type='Software' and Type!='Driver'", &software));
    assert_false(matches(L"Type='Software' and Type!='Driver'", &driver));
    assert_false(matches(L"Type='Software' and Type='Driver'", &software));
    assert_false(matches(L"UpdateID='" ID_A L"' and UpdateID='" ID_B L"'", &software));
    assert_true(matches(L"UpdateID='" ID_A L"' and UpdateID='{" ID_A L"}'", &software));
}

static void integers(void **state)
{
    static const WCHAR *const good[] =
    {
        L"0", L"-0", L"1", L"-1", L"2147483647", L"-2147483648", L"0000000200", L"-0000000001",
    };
    static const WCHAR *const bad[] =
    {
        L"2147483648", L"-2147483649", L"4294967296", L"99999999999999999999", L"00000000200",
        L"+1", L"- 1", L"--1", L"-", L"1.0", L"1,0", L"0x1", L"1e3", L"1-", L"1a", L"1_", L"\x0661",
        L"\xff11",
    };
    struct criteria_subject subject = base_subject();
    WCHAR text[128];
    unsigned int i;

    (void)state;
    for (i = 0; i < ARRAYSIZE(good); i++)
    {
        subject.revision = wcstol(good[i], NULL, 10);
        swprintf(text, ARRAYSIZE(text), L"UpdateID='" ID_A L"' and RevisionNumber=%ls", good[i]);
        assert_true(matches(text, &subject));
        subject.revision ^= 1;
        assert_false(matches(text, &subject));
    }
    for (i = 0; i < ARRAYSIZE(bad); i++)
    {
        swprintf(text, ARRAYSIZE(text), L"UpdateID='" ID_A L"' and RevisionNumber=%ls", bad[i]);
        check_invalid(text);
    }
}

static void strings_and_escapes(void **state)
{
    static const WCHAR *const bad[] =
    {
        /* unterminated */
        L"Type='Software", L"Type='", L"Type=Software'", L"UpdateID='" ID_A,
        /* '' is not an escape: the string ends at the first quote */
        L"Type='Soft''ware'", L"Type='Software'''", L"Type=''Software'",
        /* malformed escapes */
        L"Type='Soft[x]ware'", L"Type='Software['", L"Type='Software[", L"Type='['", L"Type='[']",
        L"Type='[''", L"Type='[[]]'",
        /* well-formed escapes, but no criterion takes ', [ or ] in its value */
        L"Type='Software[']'", L"Type='[[]Software[]]'", L"Type='Software]'", L"Type='[']Software'",
        L"UpdateID='[[]" ID_A L"[]]'", L"CategoryIDs contains '{" SECURITY L"[]]'",
        /* a quote escaped does not end the string: everything after is inside it */
        L"Type='x[']' or Type='Software'",
        /* only the ASCII apostrophe quotes */
        L"Type=\x2018Software\x2019", L"Type=\x2019Software\x2019", L"Type=`Software`", L"Type=\x00b4Software\x00b4",
        L"Type='Software\x2019", L"Type=\"Software\"",
        /* longer than any value, with or without escapes */
        L"Type='SoftwareSoftwareSoftwareSoftwareSoftwareSoftwareSoftwareSoftware'",
    };
    unsigned int i;

    (void)state;
    for (i = 0; i < ARRAYSIZE(bad); i++) check_invalid(bad[i]);
}

static void malformed_text_is_invalid(void **state)
{
    static const WCHAR *const bad[] =
    {
        /* unknown criteria */
        L"IsDownloaded=0", L"Title='x'", L"IsInstalledX=0", L"IsInstalled_=0", L"IsInstalled2=0",
        L"KBArticleIDs contains '1'", L"IsMandatory=1", L"CategoryID contains '" SECURITY L"'", L"Types='Software'",
        /* trailing garbage */
        L"IsInstalled=0 x", L"IsInstalled=0 IsHidden=0", L"IsInstalled=0 1", L"IsInstalled=0 'x'",
        L"IsInstalled=0 =", L"Type='Software' 'Driver'", L"IsInstalled=0;", L"IsInstalled=0 and IsHidden=0 )",
        /* empty operands */
        L"and", L"or", L"contains", L"IsInstalled=0 and", L"and IsInstalled=0", L"IsInstalled=0 and and IsHidden=0",
        L"IsInstalled=0 or", L"or IsInstalled=0", L"IsInstalled=0 or or IsHidden=0",
        L"IsInstalled=0 and or IsHidden=0", L"IsInstalled=0 or and IsHidden=0", L"IsInstalled=0 and or",
        L"IsInstalled=0 and (", L"IsInstalled=0 or (",
        /* operators */
        L"IsInstalled", L"IsInstalled=", L"=0", L"IsInstalled==0", L"IsInstalled<>0", L"IsInstalled=!0",
        L"IsInstalled!0", L"IsInstalled 0", L"IsInstalled<0", L"IsInstalled>=0", L"Type=='Software'",
        L"IsInstalled := 0", L"IsInstalled is 0", L"0=IsInstalled", L"'Software'=Type", L"Type<>'Software'",
        L"UpdateID<>'" ID_A L"'", L"Type=!'Software'", L"Type!=='Software'", L"Type! ='Software'",
        /* other languages' syntax */
        L"IsInstalled=0,IsHidden=0", L"IsInstalled=0 && IsHidden=0", L"IsInstalled=0 || IsHidden=0",
        L"not IsInstalled=1", L"IsInstalled=0 and not IsHidden=1", L"[IsInstalled]=0", L"{IsInstalled=0}",
        L"IsInstalled=0 -- comment", L"IsInstalled=0 /* x */", L"IsInstalled=0 and IsHidden in (0, 1)",
        L"IsInstalled=0 xor IsHidden=0", L"IsInstalled=0 AND AND IsHidden=0", L"@IsInstalled=0",
        /* control characters */
        L"IsInstalled=0\x01", L"\x1bIsInstalled=0", L"IsInstalled=\x7f""0",
    };
    unsigned int i;

    (void)state;
    for (i = 0; i < ARRAYSIZE(bad); i++) check_invalid(bad[i]);
}

static void hostile_text_is_refused_quickly(void **state)
{
    WCHAR *text;

    (void)state;
    text = repeat(L"", L"(", 1 << 20, L"");                   /* 1 MiB of "(" */
    check_invalid_quickly(text);
    free(text);
    text = repeat(L"", L"IsInstalled=0 and ", 100000, L"IsInstalled=0");
    check_invalid_quickly(text);
    free(text);
    text = repeat(L"", L"(", CRITERIA_MAX_LENGTH, L"");       /* short enough: the depth bound stops it */
    check_invalid_quickly(text);
    free(text);
    text = repeat(L"", L"(IsHidden=0)or", 4500, L"(IsHidden=0)");   /* the term bound */
    check_invalid_quickly(text);
    free(text);
    text = repeat(L"", L"IsHidden=0 or ", 4000, L"RevisionNumber=1");    /* refused at the very end */
    check_invalid_quickly(text);
    free(text);
    text = repeat(L"", L"IsInstalledIsInstalled", 2800, L"=0");
    check_invalid_quickly(text);
    free(text);
    text = repeat(L"Type='", L"a", 60000, L"'");
    check_invalid_quickly(text);
    free(text);
    text = repeat(L"Type='", L"[']", 20000, L"'");
    check_invalid_quickly(text);
    free(text);
    text = repeat(L"IsInstalled=", L"1", 60000, L"");
    check_invalid_quickly(text);
    free(text);
    text = repeat(L"IsInstalled=", L"-", 60000, L"1");
    check_invalid_quickly(text);
    free(text);
    text = repeat(L"", L"()", 30000, L"");
    check_invalid_quickly(text);
    free(text);
    text = repeat(L"IsInstalled=0", L" and", 16000, L"");
    check_invalid_quickly(text);
    free(text);
}

static void bounds_are_exact(void **state)
{
    ULONGLONG start;
    WCHAR *text, *open;

    (void)state;
    /* length */
    text = repeat(L"IsInstalled=1", L" ", CRITERIA_MAX_LENGTH - 13, L"");
    assert_int_equal(CRITERIA_MAX_LENGTH, wcslen(text));
    check_truth(text, T_I);
    free(text);
    text = repeat(L"IsInstalled=1", L" ", CRITERIA_MAX_LENGTH - 12, L"");
    check_invalid(text);
    free(text);
    text = repeat(L"", L" ", CRITERIA_MAX_LENGTH, L"");
    check_truth(text, ~T_I & ~T_H);
    free(text);
    text = repeat(L"", L" ", CRITERIA_MAX_LENGTH + 1, L"");
    check_invalid(text);
    free(text);

    /* comparisons, in and-groups and or-groups; matching stays linear */
    text = repeat(L"", L"IsHidden=1 or ", CRITERIA_MAX_TERMS - 1, L"IsInstalled=1");
    start = GetTickCount64();
    check_truth(text, T_H | T_I);
    assert_true(GetTickCount64() - start < 1000);
    free(text);
    text = repeat(L"", L"IsHidden=1 or ", CRITERIA_MAX_TERMS, L"IsInstalled=1");
    check_invalid(text);
    free(text);
    text = repeat(L"", L"IsHidden=1 and ", CRITERIA_MAX_TERMS - 1, L"IsInstalled=1");
    check_truth(text, T_H & T_I);
    free(text);
    text = repeat(L"", L"IsHidden=1 and ", CRITERIA_MAX_TERMS, L"IsInstalled=1");
    check_invalid(text);
    free(text);

    /* parentheses */
    open = repeat(L"", L"(", CRITERIA_MAX_DEPTH, L"IsInstalled=1");
    text = repeat(open, L")", CRITERIA_MAX_DEPTH, L"");
    check_truth(text, T_I);
    free(text);
    free(open);
    open = repeat(L"", L"(", CRITERIA_MAX_DEPTH + 1, L"IsInstalled=1");
    text = repeat(open, L")", CRITERIA_MAX_DEPTH + 1, L"");
    check_invalid(text);
    free(text);
    free(open);
    /* depth counts nesting, not how many parentheses there are */
    text = repeat(L"", L"(IsHidden=1) and ", 1000, L"(IsInstalled=1)");
    check_truth(text, T_H & T_I);
    free(text);
}

static void text_ends_at_nul(void **state)
{
    static const WCHAR garbage_after[] = L"IsInstalled=1\0 and garbage ((( '";
    static const WCHAR value_cut[] = L"IsInstalled=\0""1";
    static const WCHAR string_cut[] = L"Type='Soft\0ware'";
    static const WCHAR group_cut[] = L"(IsInstalled=1\0)";
    static const WCHAR and_cut[] = L"IsInstalled=1 and\0 IsHidden=1";

    (void)state;
    check_truth(garbage_after, T_I);
    check_invalid(value_cut);
    check_invalid(string_cut);
    check_invalid(group_cut);
    check_invalid(and_cut);
}

static void every_criterion_is_supported(void **state)
{
    static const WCHAR all[] =
        L"Type='Driver' and DeploymentAction='Installation' and IsAssigned=1 and BrowseOnly=0 and "
        L"AutoSelectOnWebSites=1 and UpdateID='" ID_A L"' and RevisionNumber=200 and CategoryIDs contains '"
        SECURITY L"' and IsInstalled=0 and IsHidden=0 and IsPresent=0 and RebootRequired=0 or Type!='Software' "
        L"and UpdateID!='" ID_B L"' or DeploymentAction='Uninstallation' or DeploymentAction='Detection' or "
        L"DeploymentAction='OptionalInstallation'";
    struct criteria_subject subject = base_subject();
    struct criteria *criteria = parse_ok(all);

    (void)state;
    assert_hr(S_OK, criteria_support(criteria));
    assert_int_equal((1u << daInstallation) | (1u << daUninstallation) | (1u << daDetection) |
                     (1u << daOptionalInstallation), criteria_deployment_actions(criteria));
    assert_false(criteria_match(criteria, &subject, daInstallation));
    subject.type = utDriver;
    subject.auto_select_on_websites = TRUE;
    assert_true(criteria_match(criteria, &subject, daInstallation));
    criteria_free(criteria);

    /* NULL everywhere is harmless */
    criteria_free(NULL);
    assert_false(criteria_match(NULL, &subject, daInstallation));
    assert_int_equal(0, criteria_deployment_actions(NULL));
    criteria = parse_ok(L"IsInstalled=0");
    assert_false(criteria_match(criteria, NULL, daInstallation));
    criteria_free(criteria);
}

int main(void)
{
    const struct CMUnitTest tests[] =
    {
        cmocka_unit_test(real_client_criteria_are_accepted),
        cmocka_unit_test(null_and_empty_mean_the_default),
        cmocka_unit_test(boolean_criteria_match_their_flag),
        cmocka_unit_test(type_criterion),
        cmocka_unit_test(update_id_and_guid_forms),
        cmocka_unit_test(revision_number_needs_update_id),
        cmocka_unit_test(category_ids_contains),
        cmocka_unit_test(deployment_actions),
        cmocka_unit_test(names_and_keywords_ignore_case),
        cmocka_unit_test(blanks_are_flexible),
        cmocka_unit_test(and_binds_tighter_than_or),
        cmocka_unit_test(parentheses_forms),
        cmocka_unit_test(or_only_at_the_top_level),
        cmocka_unit_test(duplicate_criteria_are_anded),
        cmocka_unit_test(integers),
        cmocka_unit_test(strings_and_escapes),
        cmocka_unit_test(malformed_text_is_invalid),
        cmocka_unit_test(hostile_text_is_refused_quickly),
        cmocka_unit_test(bounds_are_exact),
        cmocka_unit_test(text_ends_at_nul),
        cmocka_unit_test(every_criterion_is_supported),
    };

    return _cmocka_run_group_tests(__FILE__, tests, ARRAYSIZE(tests), NULL, NULL);
}
