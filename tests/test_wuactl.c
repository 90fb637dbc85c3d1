/*
 * OpenWUA tests: what only a Windows parent can check of wuactl.exe: exit
 * codes read whole (a Unix shell sees 3010 as 194) and the output wuactl
 * writes to a pipe.  tests/test_wuactl.py runs this program after it has
 * registered a catalog of command-line updates (tests/payload/exitcode.c)
 * with wuactl, and passes:
 *
 *   OPENWUA_WUACTL        wuactl.exe
 *   OPENWUA_REBOOT_ID     an update whose exit code maps to "succeeded, restart required"
 *
 * (Ctrl+C is tested from test_wuactl.py: Wine 8 does not deliver
 * GenerateConsoleCtrlEvent to another process, but turns SIGINT, which a
 * terminal's Ctrl+C sends, into CTRL_C_EVENT.)
 *
 * Copyright 2026 the OpenWUA authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "common.h"

struct child
{
    PROCESS_INFORMATION pi;
    HANDLE out, err;
    char out_text[65536], err_text[8192];
    DWORD out_len, err_len;
};

static const WCHAR *env(const WCHAR *name)
{
    static WCHAR values[8][MAX_PATH];
    static int next;
    WCHAR *value = values[next++ % 8];

    if (!GetEnvironmentVariableW(name, value, MAX_PATH)) fail_msg("%ls is not set", name);
    return value;
}

static void start(struct child *c, const WCHAR *args)
{
    SECURITY_ATTRIBUTES sa = { sizeof(sa), NULL, TRUE };
    HANDLE out_write, err_write;
    STARTUPINFOW si;
    WCHAR cmdline[2048];

    memset(c, 0, sizeof(*c));
    assert_true(CreatePipe(&c->out, &out_write, &sa, 0));
    assert_true(CreatePipe(&c->err, &err_write, &sa, 0));
    SetHandleInformation(c->out, HANDLE_FLAG_INHERIT, 0);
    SetHandleInformation(c->err, HANDLE_FLAG_INHERIT, 0);
    memset(&si, 0, sizeof(si));
    si.cb = sizeof(si);
    si.dwFlags = STARTF_USESTDHANDLES;
    si.hStdInput = GetStdHandle(STD_INPUT_HANDLE);
    si.hStdOutput = out_write;
    si.hStdError = err_write;
    swprintf(cmdline, ARRAYSIZE(cmdline), L"\"%ls\" %ls", env(L"OPENWUA_WUACTL"), args);
    assert_true(CreateProcessW(NULL, cmdline, NULL, NULL, TRUE, CREATE_NEW_PROCESS_GROUP, NULL, NULL, &si, &c->pi));
    CloseHandle(out_write);
    CloseHandle(err_write);
}

/* Reads what is there without blocking. */
static void drain(HANDLE pipe, char *text, DWORD size, DWORD *len)
{
    DWORD available = 0, got;

    while (PeekNamedPipe(pipe, NULL, 0, NULL, &available, NULL) && available && *len + 1 < size)
    {
        if (!ReadFile(pipe, text + *len, min(available, size - 1 - *len), &got, NULL) || !got) break;
        *len += got;
    }
    text[*len] = 0;
}

/* Waits (a minute at most) until stderr shows text. */
static DWORD finish(struct child *c)
{
    DWORD code = 0xdead;
    int i;

    for (i = 0; i < 2400 && WaitForSingleObject(c->pi.hProcess, 50) == WAIT_TIMEOUT; i++)
    {
        drain(c->out, c->out_text, sizeof(c->out_text), &c->out_len);
        drain(c->err, c->err_text, sizeof(c->err_text), &c->err_len);
    }
    assert_int_equal(WAIT_OBJECT_0, WaitForSingleObject(c->pi.hProcess, 0));
    drain(c->out, c->out_text, sizeof(c->out_text), &c->out_len);
    drain(c->err, c->err_text, sizeof(c->err_text), &c->err_len);
    GetExitCodeProcess(c->pi.hProcess, &code);
    CloseHandle(c->pi.hProcess);
    CloseHandle(c->pi.hThread);
    CloseHandle(c->out);
    CloseHandle(c->err);
    return code;
}

/* ERROR_SUCCESS_REBOOT_REQUIRED reaches a Windows parent whole. */
static void exit_code_3010(void **state)
{
    WCHAR args[256];
    struct child c;

    (void)state;
    swprintf(args, ARRAYSIZE(args), L"install %ls", env(L"OPENWUA_REBOOT_ID"));
    start(&c, args);
    assert_int_equal(3010, finish(&c));
    assert_non_null(strstr(c.out_text, "restart is required"));
    /* not a console: plain lines, no carriage returns redrawing a bar */
    assert_null(strchr(c.out_text, '\r'));
    assert_non_null(strstr(c.out_text, "install [1/1] "));
}

/* Bad arguments: exit code 2, one line on stderr, nothing on stdout. */
static void usage_error_is_2(void **state)
{
    struct child c;

    (void)state;
    start(&c, L"install --all 0e1f3d52-7a44-4c0e-9a39-5f5b1d2c0004");
    assert_int_equal(2, finish(&c));
    assert_int_equal(0, c.out_len);
    /* one line */
    assert_non_null(strchr(c.err_text, '\n'));
    assert_ptr_equal(strchr(c.err_text, '\n'), c.err_text + c.err_len - 1);
}

int main(void)
{
    static const struct CMUnitTest tests[] =
    {
        LEAK_CHECKED(usage_error_is_2),
        LEAK_CHECKED(exit_code_3010),
    };

    return RUN_TESTS(tests);
}
