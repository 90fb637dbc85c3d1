/*
 * OpenWUA example: search, download and install from C, through the vtables.
 * Installs every update the default catalog offers whose licence terms are
 * accepted.  Build against build/include/openwua_wuapi.h and link
 * build/libopenwua_uuid.a (see README.md); run it in the Wine prefix.
 *
 * Copyright 2026 the OpenWUA authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <windows.h>
#include <ole2.h>
#include <stdio.h>
#include "openwua_wuapi.h"

static const char *const names[] = { "not started", "in progress", "succeeded", "succeeded with errors", "failed", "aborted" };

#define CHECK(call) do { HRESULT hr_ = (call); if (FAILED(hr_)) { \
    printf("%s failed: 0x%08lX\n", #call, (unsigned long)hr_); return 2; } } while (0)

/* The offered updates whose licence terms are accepted, listed as they are picked. */
static int pick(IUpdateSession *session, IUpdateCollection *chosen)
{
    IUpdateSearcher *searcher;
    ISearchResult *result;
    IUpdateCollection *found;
    IUpdate *update;
    VARIANT_BOOL accepted;
    BSTR criteria = SysAllocString(L"IsInstalled=0 and IsHidden=0"), title;
    LONG count, i, index;

    CHECK(IUpdateSession_CreateUpdateSearcher(session, &searcher));
    CHECK(IUpdateSearcher_Search(searcher, criteria, &result));
    CHECK(ISearchResult_get_Updates(result, &found));
    IUpdateCollection_get_Count(found, &count);
    printf("Found %ld update(s)\n", count);
    for (i = 0; i < count; i++)
    {
        CHECK(IUpdateCollection_get_Item(found, i, &update));
        IUpdate_get_Title(update, &title);
        IUpdate_get_EulaAccepted(update, &accepted);
        if (accepted == VARIANT_TRUE) IUpdateCollection_Add(chosen, update, &index);
        printf("  %ls%s\n", title, accepted == VARIANT_TRUE ? "" : " (skipped: accept its licence terms first)");
        SysFreeString(title);
        IUpdate_Release(update);
    }
    IUpdateCollection_Release(found);
    ISearchResult_Release(result);
    IUpdateSearcher_Release(searcher);
    SysFreeString(criteria);
    return 0;
}

static int download_and_install(IUpdateSession *session, IUpdateCollection *chosen)
{
    IUpdateDownloader *downloader;
    IDownloadResult *downloaded;
    IUpdateInstaller *installer;
    IInstallationResult *installed;
    IUpdateInstallationResult *one;
    OperationResultCode code;
    VARIANT_BOOL reboot;
    IUpdate *update;
    LONG count, i, hr;
    BSTR title;

    CHECK(IUpdateSession_CreateUpdateDownloader(session, &downloader));
    CHECK(IUpdateDownloader_put_Updates(downloader, chosen));
    CHECK(IUpdateDownloader_Download(downloader, &downloaded));
    IDownloadResult_get_ResultCode(downloaded, &code);
    printf("Download: %s\n", names[code]);
    IDownloadResult_Release(downloaded);
    IUpdateDownloader_Release(downloader);

    CHECK(IUpdateSession_CreateUpdateInstaller(session, &installer));
    CHECK(IUpdateInstaller_put_Updates(installer, chosen));
    CHECK(IUpdateInstaller_Install(installer, &installed));
    IUpdateCollection_get_Count(chosen, &count);
    for (i = 0; i < count; i++)
    {
        IUpdateCollection_get_Item(chosen, i, &update);
        IUpdate_get_Title(update, &title);
        IInstallationResult_GetUpdateResult(installed, i, &one);
        IUpdateInstallationResult_get_ResultCode(one, &code);
        IUpdateInstallationResult_get_HResult(one, &hr);
        printf("  %ls: %s (0x%lX)\n", title, names[code], (unsigned long)hr);
        IUpdateInstallationResult_Release(one);
        SysFreeString(title);
        IUpdate_Release(update);
    }
    IInstallationResult_get_ResultCode(installed, &code);
    IInstallationResult_get_RebootRequired(installed, &reboot);
    printf("Install: %s, reboot required: %s\n", names[code], reboot == VARIANT_TRUE ? "True" : "False");
    IInstallationResult_Release(installed);
    IUpdateInstaller_Release(installer);
    return code == orcSucceeded ? 0 : 1;
}

int main(void)
{
    IUpdateSession *session;
    IUpdateCollection *chosen;
    BSTR name = SysAllocString(L"OpenWUA C example");
    LONG count = 0;
    int code;

    CHECK(CoInitializeEx(NULL, COINIT_MULTITHREADED));
    CHECK(CoCreateInstance(&CLSID_UpdateSession, NULL, CLSCTX_INPROC_SERVER, &IID_IUpdateSession, (void **)&session));
    CHECK(CoCreateInstance(&CLSID_UpdateCollection, NULL, CLSCTX_INPROC_SERVER, &IID_IUpdateCollection, (void **)&chosen));
    IUpdateSession_put_ClientApplicationID(session, name);
    if (!(code = pick(session, chosen)))
    {
        IUpdateCollection_get_Count(chosen, &count);
        if (count) code = download_and_install(session, chosen);
        else printf("Nothing to install\n");
    }
    IUpdateCollection_Release(chosen);
    IUpdateSession_Release(session);
    SysFreeString(name);
    CoUninitialize();
    return code;
}
