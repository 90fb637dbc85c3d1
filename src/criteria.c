/*
 * OpenWUA: the WUA search criteria language.
 *
 * The text becomes a flat disjunction of and-groups of comparisons, which is
 * all the language can express.  Accepted grammar ([MS-UAMG] 3.38.4.11 and the
 * IUpdateSearcher::Search page, with the leniencies noted):
 *
 *   criteria   := blank | or-list
 *   or-list    := and-list { "or" and-list }
 *   and-list   := primary { "and" primary }
 *   primary    := "(" or-list ")" | comparison
 *   comparison := name ( "=" | "!=" | "contains" ) value
 *   value      := integer | 'string'
 *
 * An or-list in parentheses may stand only where no "and" touches it, so
 * "(a and b) or c", "(a or b)" and "(a or b) or c" are accepted and
 * "a and (b or c)" / "(a or b) and c" are not: "or" only at the top level.
 * Keywords and names are ASCII, case-insensitive whole words; they need no
 * blanks next to punctuation ("(a)or(b)"), but a word or number may not run
 * into the next one ("IsInstalled=0and").  Blanks are space, tab, CR, LF.
 * Integers: optional '-', 1 to 10 decimal digits, within LONG.  Strings are
 * single-quoted; inside them "[']", "[[]" and "[]]" stand for ', [ and ]
 * (what EscapeString produces), any other '[' is an error, a lone ']' is
 * itself, and '' is not an escape (the string ends at the first quote).
 *
 * Per criterion, the operators and values the documentation's table gives:
 * booleans take = 0 or 1 only; Type = / != 'Software' | 'Driver';
 * UpdateID = / != a GUID with or without braces; RevisionNumber = an integer,
 * only in an and-group that also has UpdateID =; CategoryIDs contains a GUID;
 * DeploymentAction = 'Installation' | 'Uninstallation' | 'Detection' |
 * 'OptionalInstallation'.  String values compare case-insensitively; any
 * other value, operator or name is WU_E_INVALID_CRITERIA.  A criterion given
 * twice in one and-group is simply and-ed.  NULL or blank text is the default
 * criteria; the bounds in criteria.h keep the work linear in hostile text.
 *
 * Copyright 2026 the OpenWUA authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdlib.h>
#include <wuerror.h>
#include "criteria.h"

/* Longest string value any criterion accepts: a GUID in braces. */
#define STRING_MAX 64
#define NUMBER_MAX_DIGITS 10

enum field
{
    FIELD_TYPE,
    FIELD_DEPLOYMENT_ACTION,
    FIELD_IS_ASSIGNED,
    FIELD_BROWSE_ONLY,
    FIELD_AUTO_SELECT_ON_WEBSITES,
    FIELD_UPDATE_ID,
    FIELD_REVISION_NUMBER,
    FIELD_CATEGORY_IDS,
    FIELD_IS_INSTALLED,
    FIELD_IS_HIDDEN,
    FIELD_IS_PRESENT,
    FIELD_REBOOT_REQUIRED,
};

enum value_kind { VALUE_BOOL, VALUE_INT, VALUE_GUID, VALUE_TYPE, VALUE_ACTION };

#define OP_EQUAL     0x1
#define OP_NOT_EQUAL 0x2
#define OP_CONTAINS  0x4

static const struct field_info
{
    const char *name;
    enum value_kind kind;
    unsigned int ops;
}
fields[] =
{
    [FIELD_TYPE]                    = { "Type",                 VALUE_TYPE,   OP_EQUAL | OP_NOT_EQUAL },
    [FIELD_DEPLOYMENT_ACTION]       = { "DeploymentAction",     VALUE_ACTION, OP_EQUAL },
    [FIELD_IS_ASSIGNED]             = { "IsAssigned",           VALUE_BOOL,   OP_EQUAL },
    [FIELD_BROWSE_ONLY]             = { "BrowseOnly",           VALUE_BOOL,   OP_EQUAL },
    [FIELD_AUTO_SELECT_ON_WEBSITES] = { "AutoSelectOnWebSites", VALUE_BOOL,   OP_EQUAL },
    [FIELD_UPDATE_ID]               = { "UpdateID",             VALUE_GUID,   OP_EQUAL | OP_NOT_EQUAL },
    [FIELD_REVISION_NUMBER]         = { "RevisionNumber",       VALUE_INT,    OP_EQUAL },
    [FIELD_CATEGORY_IDS]            = { "CategoryIDs",          VALUE_GUID,   OP_CONTAINS },
    [FIELD_IS_INSTALLED]            = { "IsInstalled",          VALUE_BOOL,   OP_EQUAL },
    [FIELD_IS_HIDDEN]               = { "IsHidden",             VALUE_BOOL,   OP_EQUAL },
    [FIELD_IS_PRESENT]              = { "IsPresent",            VALUE_BOOL,   OP_EQUAL },
    [FIELD_REBOOT_REQUIRED]         = { "RebootRequired",       VALUE_BOOL,   OP_EQUAL },
};

static const char *const type_names[] = { NULL, "Software", "Driver" };
static const char *const action_names[] = { NULL, "Installation", "Uninstallation", "Detection",
                                            "OptionalInstallation" };
#define ACTION_COUNT (sizeof(action_names) / sizeof(action_names[0]))
#define ACTION_ANY   (((1u << ACTION_COUNT) - 1) & ~1u)
#define ACTION_INSTALLATION 1

struct term
{
    enum field field;
    BOOL negate;
    LONG number;        /* booleans, RevisionNumber, Type, DeploymentAction */
    GUID guid;          /* UpdateID, CategoryIDs */
};

struct group
{
    unsigned int first;
    unsigned int count;
    unsigned int actions;       /* 1 << each DeploymentAction the group searches for */
};

struct criteria
{
    struct term *terms;
    unsigned int term_count;
    unsigned int term_capacity;
    struct group *groups;
    unsigned int group_count;
    unsigned int group_capacity;
};

enum token_kind
{
    TOKEN_END,
    TOKEN_BAD,
    TOKEN_WORD,
    TOKEN_NUMBER,
    TOKEN_STRING,
    TOKEN_OPEN,
    TOKEN_CLOSE,
    TOKEN_EQUAL,
    TOKEN_NOT_EQUAL,
};

struct token
{
    enum token_kind kind;
    const WCHAR *word;
    size_t length;              /* of word or string */
    LONG number;
    WCHAR string[STRING_MAX];   /* unescaped, not terminated */
};

struct parser
{
    const WCHAR *next;
    struct token token;
    struct criteria *criteria;
    unsigned int group_first;
    unsigned int depth;
};

static const WCHAR default_text[] = L"IsInstalled=0 and IsHidden=0";

static BOOL is_blank(WCHAR c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static BOOL is_digit(WCHAR c)
{
    return c >= '0' && c <= '9';
}

static BOOL is_letter(WCHAR c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static BOOL is_word_char(WCHAR c)
{
    return is_letter(c) || is_digit(c) || c == '_';
}

static WCHAR ascii_lower(WCHAR c)
{
    return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c;
}

/* Case-insensitive comparison of counted text with an ASCII name. */
static BOOL equals_name(const WCHAR *text, size_t length, const char *name)
{
    size_t i;

    for (i = 0; i < length; i++)
        if (!name[i] || ascii_lower(text[i]) != ascii_lower(name[i])) return FALSE;
    return !name[length];
}

static void read_word(struct parser *p)
{
    const WCHAR *end = p->next;

    while (is_word_char(*end)) end++;
    p->token.kind = TOKEN_WORD;
    p->token.word = p->next;
    p->token.length = end - p->next;
    p->next = end;
}

static void read_number(struct parser *p)
{
    const WCHAR *s = p->next;
    BOOL negative = FALSE;
    LONGLONG value = 0;
    unsigned int digits = 0;

    p->token.kind = TOKEN_BAD;
    if (*s == '-')
    {
        negative = TRUE;
        s++;
    }
    for (; is_digit(*s); s++)
    {
        if (++digits > NUMBER_MAX_DIGITS) return;
        value = value * 10 + (*s - '0');
    }
    /* "0and" or "1x" is not a number followed by a word. */
    if (!digits || is_word_char(*s)) return;
    if (negative) value = -value;
    if (value < -2147483647LL - 1 || value > 2147483647LL) return;
    p->token.kind = TOKEN_NUMBER;
    p->token.number = (LONG)value;
    p->next = s;
}

/* One escape: "[']", "[[]" or "[]]"; returns the character, 0 if malformed. */
static WCHAR read_escape(const WCHAR *s)
{
    if ((s[1] == '\'' || s[1] == '[' || s[1] == ']') && s[2] == ']') return s[1];
    return 0;
}

static void read_string(struct parser *p)
{
    const WCHAR *s = p->next + 1;
    size_t length = 0;
    WCHAR c;

    p->token.kind = TOKEN_BAD;
    for (;;)
    {
        c = *s;
        if (!c) return;                     /* unterminated */
        if (c == '\'') break;
        if (c == '[')
        {
            if (!(c = read_escape(s))) return;
            s += 3;
        }
        else s++;
        /* No criterion takes a longer value: stop reading early. */
        if (length == STRING_MAX) return;
        p->token.string[length++] = c;
    }
    p->token.kind = TOKEN_STRING;
    p->token.length = length;
    p->next = s + 1;
}

static void next_token(struct parser *p)
{
    WCHAR c;

    while (is_blank(*p->next)) p->next++;
    c = *p->next;
    if (!c) p->token.kind = TOKEN_END;
    else if (is_letter(c)) read_word(p);
    else if (is_digit(c) || c == '-') read_number(p);
    else if (c == '\'') read_string(p);
    else if (c == '(' || c == ')' || c == '=')
    {
        p->token.kind = c == '(' ? TOKEN_OPEN : c == ')' ? TOKEN_CLOSE : TOKEN_EQUAL;
        p->next++;
    }
    else if (c == '!' && p->next[1] == '=')
    {
        p->token.kind = TOKEN_NOT_EQUAL;
        p->next += 2;
    }
    else p->token.kind = TOKEN_BAD;
}

static BOOL is_keyword(const struct token *token, const char *keyword)
{
    return token->kind == TOKEN_WORD && equals_name(token->word, token->length, keyword);
}

/* Doubles an array; NULL (and the array untouched) when memory runs out. */
static void *grow(void *array, unsigned int *capacity, size_t size)
{
    unsigned int count = *capacity ? *capacity * 2 : 8;
    void *bigger = realloc(array, count * size);

    if (bigger) *capacity = count;
    return bigger;
}

static HRESULT add_term(struct parser *p, const struct term *term)
{
    struct criteria *c = p->criteria;

    if (c->term_count == CRITERIA_MAX_TERMS) return WU_E_INVALID_CRITERIA;
    if (c->term_count == c->term_capacity)
    {
        struct term *terms = grow(c->terms, &c->term_capacity, sizeof(*terms));

        if (!terms) return E_OUTOFMEMORY;
        c->terms = terms;
    }
    c->terms[c->term_count++] = *term;
    return S_OK;
}

/* Closes the and-group begun at group_first, checking the rules that span it. */
static HRESULT end_group(struct parser *p)
{
    struct criteria *c = p->criteria;
    BOOL revision = FALSE, update_id = FALSE, action = FALSE;
    unsigned int i, actions = ACTION_ANY;
    struct group *group;

    for (i = p->group_first; i < c->term_count; i++)
    {
        const struct term *term = &c->terms[i];

        if (term->field == FIELD_REVISION_NUMBER) revision = TRUE;
        if (term->field == FIELD_UPDATE_ID && !term->negate) update_id = TRUE;
        if (term->field == FIELD_DEPLOYMENT_ACTION)
        {
            action = TRUE;
            actions &= 1u << term->number;
        }
    }
    /* A revision number means something only for one given update. */
    if (revision && !update_id) return WU_E_INVALID_CRITERIA;
    if (!action) actions = 1u << ACTION_INSTALLATION;

    if (c->group_count == c->group_capacity)
    {
        struct group *groups = grow(c->groups, &c->group_capacity, sizeof(*groups));

        if (!groups) return E_OUTOFMEMORY;
        c->groups = groups;
    }
    group = &c->groups[c->group_count++];
    group->first = p->group_first;
    group->count = c->term_count - p->group_first;
    group->actions = actions;
    p->group_first = c->term_count;
    return S_OK;
}

static int hex_value(WCHAR c)
{
    if (is_digit(c)) return c - '0';
    c = ascii_lower(c);
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

static BOOL read_hex(const WCHAR *s, unsigned int digits, ULONG *value)
{
    unsigned int i;
    int v;

    *value = 0;
    for (i = 0; i < digits; i++)
    {
        if ((v = hex_value(s[i])) < 0) return FALSE;
        *value = (*value << 4) | v;
    }
    return TRUE;
}

/* xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx, optionally in braces. */
static BOOL parse_guid(const WCHAR *s, size_t length, GUID *guid)
{
    ULONG value;
    unsigned int i;

    if (length == 38 && s[0] == '{' && s[37] == '}')
    {
        s++;
        length -= 2;
    }
    if (length != 36 || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-') return FALSE;
    if (!read_hex(s, 8, &value)) return FALSE;
    guid->Data1 = value;
    if (!read_hex(s + 9, 4, &value)) return FALSE;
    guid->Data2 = value;
    if (!read_hex(s + 14, 4, &value)) return FALSE;
    guid->Data3 = value;
    for (i = 0; i < 8; i++)
    {
        if (!read_hex(s + (i < 2 ? 19 + 2 * i : 24 + 2 * (i - 2)), 2, &value)) return FALSE;
        guid->Data4[i] = value;
    }
    return TRUE;
}

static BOOL find_name(const struct token *token, const char *const *names, unsigned int count, LONG *index)
{
    unsigned int i;

    for (i = 0; i < count; i++)
    {
        if (names[i] && equals_name(token->string, token->length, names[i]))
        {
            *index = i;
            return TRUE;
        }
    }
    return FALSE;
}

static BOOL read_value(const struct token *token, enum value_kind kind, struct term *term)
{
    switch (kind)
    {
    case VALUE_BOOL:
        if (token->kind != TOKEN_NUMBER || (token->number != 0 && token->number != 1)) return FALSE;
        term->number = token->number;
        return TRUE;
    case VALUE_INT:
        if (token->kind != TOKEN_NUMBER) return FALSE;
        term->number = token->number;
        return TRUE;
    case VALUE_GUID:
        return token->kind == TOKEN_STRING && parse_guid(token->string, token->length, &term->guid);
    case VALUE_TYPE:
        return token->kind == TOKEN_STRING && find_name(token, type_names, 3, &term->number);
    case VALUE_ACTION:
        return token->kind == TOKEN_STRING && find_name(token, action_names, ACTION_COUNT, &term->number);
    }
    return FALSE;
}

static BOOL find_field(const struct token *token, enum field *field)
{
    unsigned int i;

    if (token->kind != TOKEN_WORD) return FALSE;
    for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
    {
        if (equals_name(token->word, token->length, fields[i].name))
        {
            *field = i;
            return TRUE;
        }
    }
    return FALSE;
}

static HRESULT parse_comparison(struct parser *p)
{
    struct term term = { 0 };
    unsigned int op;

    if (!find_field(&p->token, &term.field)) return WU_E_INVALID_CRITERIA;
    next_token(p);
    if (p->token.kind == TOKEN_EQUAL) op = OP_EQUAL;
    else if (p->token.kind == TOKEN_NOT_EQUAL) op = OP_NOT_EQUAL;
    else if (is_keyword(&p->token, "contains")) op = OP_CONTAINS;
    else return WU_E_INVALID_CRITERIA;
    if (!(fields[term.field].ops & op)) return WU_E_INVALID_CRITERIA;
    term.negate = op == OP_NOT_EQUAL;
    next_token(p);
    if (!read_value(&p->token, fields[term.field].kind, &term)) return WU_E_INVALID_CRITERIA;
    next_token(p);
    return add_term(p, &term);
}

static HRESULT parse_or(struct parser *p, BOOL or_allowed, BOOL *has_or);

/* Recursion is only ever one level per parenthesis, and those are bounded. */
static HRESULT parse_primary(struct parser *p, BOOL or_allowed, BOOL *has_or)
{
    HRESULT hr;

    *has_or = FALSE;
    if (p->token.kind != TOKEN_OPEN) return parse_comparison(p);
    if (++p->depth > CRITERIA_MAX_DEPTH) return WU_E_INVALID_CRITERIA;
    next_token(p);
    if (FAILED(hr = parse_or(p, or_allowed, has_or))) return hr;
    if (p->token.kind != TOKEN_CLOSE) return WU_E_INVALID_CRITERIA;
    p->depth--;
    next_token(p);
    return S_OK;
}

/* An "or" may sit in the first primary of an and-list, provided no "and" follows it. */
static HRESULT parse_and(struct parser *p, BOOL or_allowed, BOOL *has_or)
{
    unsigned int count = 0;
    HRESULT hr;

    for (;;)
    {
        if (FAILED(hr = parse_primary(p, or_allowed && !count, has_or))) return hr;
        count++;
        if (!is_keyword(&p->token, "and")) return S_OK;
        if (*has_or) return WU_E_INVALID_CRITERIA;
        next_token(p);
    }
}

static HRESULT parse_or(struct parser *p, BOOL or_allowed, BOOL *has_or)
{
    BOOL inner;
    HRESULT hr;

    *has_or = FALSE;
    for (;;)
    {
        if (FAILED(hr = parse_and(p, or_allowed, &inner))) return hr;
        if (inner) *has_or = TRUE;
        if (!is_keyword(&p->token, "or")) return S_OK;
        if (!or_allowed) return WU_E_INVALID_CRITERIA;
        /* Every enclosing and-list is still empty here, so the group is complete. */
        if (FAILED(hr = end_group(p))) return hr;
        *has_or = TRUE;
        next_token(p);
    }
}

/* Length first, so that a huge text is refused without being read whole. */
static BOOL is_too_long(const WCHAR *text)
{
    size_t i;

    for (i = 0; i <= CRITERIA_MAX_LENGTH; i++)
        if (!text[i]) return FALSE;
    return TRUE;
}

static BOOL is_empty(const WCHAR *text)
{
    while (is_blank(*text)) text++;
    return !*text;
}

static HRESULT parse(struct parser *p)
{
    BOOL has_or;
    HRESULT hr;

    next_token(p);
    if (FAILED(hr = parse_or(p, TRUE, &has_or))) return hr;
    if (p->token.kind != TOKEN_END) return WU_E_INVALID_CRITERIA;
    return end_group(p);
}

HRESULT criteria_parse(const WCHAR *text, struct criteria **out)
{
    struct parser p = { 0 };
    HRESULT hr;

    if (!out) return E_POINTER;
    *out = NULL;
    if (!text) text = default_text;
    if (is_too_long(text)) return WU_E_INVALID_CRITERIA;
    if (is_empty(text)) text = default_text;

    if (!(p.criteria = calloc(1, sizeof(*p.criteria)))) return E_OUTOFMEMORY;
    p.next = text;
    if (FAILED(hr = parse(&p)))
    {
        criteria_free(p.criteria);
        return hr;
    }
    *out = p.criteria;
    return S_OK;
}

void criteria_free(struct criteria *criteria)
{
    if (!criteria) return;
    free(criteria->terms);
    free(criteria->groups);
    free(criteria);
}

static BOOL flag_is(BOOL flag, LONG value)
{
    return !flag == !value;
}

static BOOL has_category(const struct criteria_subject *subject, const GUID *id)
{
    unsigned int i;

    for (i = 0; i < subject->category_count; i++)
        if (IsEqualGUID(&subject->categories[i], id)) return TRUE;
    return FALSE;
}

static BOOL term_matches(const struct term *term, const struct criteria_subject *subject)
{
    BOOL result = FALSE;

    switch (term->field)
    {
    case FIELD_TYPE:                    result = subject->type == term->number; break;
    case FIELD_DEPLOYMENT_ACTION:       return TRUE;    /* settled for the whole group */
    case FIELD_IS_ASSIGNED:             result = flag_is(subject->is_assigned, term->number); break;
    case FIELD_BROWSE_ONLY:             result = flag_is(subject->browse_only, term->number); break;
    case FIELD_AUTO_SELECT_ON_WEBSITES: result = flag_is(subject->auto_select_on_websites, term->number); break;
    case FIELD_UPDATE_ID:               result = IsEqualGUID(&subject->update_id, &term->guid); break;
    case FIELD_REVISION_NUMBER:         result = subject->revision == term->number; break;
    case FIELD_CATEGORY_IDS:            result = has_category(subject, &term->guid); break;
    case FIELD_IS_INSTALLED:            result = flag_is(subject->is_installed, term->number); break;
    case FIELD_IS_HIDDEN:               result = flag_is(subject->is_hidden, term->number); break;
    case FIELD_IS_PRESENT:              result = flag_is(subject->is_present, term->number); break;
    case FIELD_REBOOT_REQUIRED:         result = flag_is(subject->reboot_required, term->number); break;
    }
    return term->negate ? !result : result;
}

static BOOL group_matches(const struct criteria *criteria, const struct group *group,
                          const struct criteria_subject *subject)
{
    unsigned int i;

    for (i = 0; i < group->count; i++)
        if (!term_matches(&criteria->terms[group->first + i], subject)) return FALSE;
    return TRUE;
}

BOOL criteria_match(const struct criteria *criteria, const struct criteria_subject *subject, int deployment_action)
{
    unsigned int i;

    if (!criteria || !subject || deployment_action <= 0 || deployment_action >= (int)ACTION_COUNT) return FALSE;
    for (i = 0; i < criteria->group_count; i++)
    {
        const struct group *group = &criteria->groups[i];

        if ((group->actions & (1u << deployment_action)) && group_matches(criteria, group, subject)) return TRUE;
    }
    return FALSE;
}

unsigned int criteria_deployment_actions(const struct criteria *criteria)
{
    unsigned int i, actions = 0;

    if (!criteria) return 0;
    for (i = 0; i < criteria->group_count; i++) actions |= criteria->groups[i].actions;
    return actions;
}

/* Every criterion the language has reads a field of criteria_subject, which the
 * searcher fills from what OpenWUA knows; none needs to be reported. */
HRESULT criteria_support(const struct criteria *criteria)
{
    (void)criteria;
    return S_OK;
}
