/*
 * OpenWUA tests: the stress test.  Eight threads in the multithreaded
 * apartment and two single-threaded apartments (pumping messages) search,
 * download, abort, install, end, clean up and release, in random orders, for
 * a bounded time:
 *
 *     test_stress.exe [--seconds N] [--watchdog S]     (12 and 30 by default)
 *
 * Files come as file:// URLs and from the loopback fixture server (trickled,
 * so aborts land mid-file); the installer is tests/payload/exitcode.c
 * (OPENWUA_PAYLOAD), while another thread keeps taking the machine-wide
 * installation lock the way another process would.  A watchdog fails the
 * test when no operation ends for S seconds, naming what each worker was
 * doing and printing every thread's stack (winedbg).  At the end: every
 * result was a documented one, the cache holds only verified files, and
 * nothing is left alive (DllCanUnloadNow).
 *
 * Copyright 2026 the OpenWUA authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "download_fixture.h"
#include <wincrypt.h>
#include <shlwapi.h>

#define NS_SDP L"http://schemas.microsoft.com/wsus/2005/04/CorporatePublishing/"
#define MTA_WORKERS 8
#define STA_WORKERS 2
#define WORKERS (MTA_WORKERS + STA_WORKERS)
#define FILE_PACKAGES 4     /* file:// content, packages 0..3 */
#define HTTP_PACKAGE 4      /* trickled from the fixture server */
#define INSTALL_PACKAGE 5   /* exitcode.exe, installed over and over */
#define PACKAGES 6

enum op { OP_SEARCH, OP_BEGIN_SEARCH, OP_DOWNLOAD, OP_BEGIN_DOWNLOAD, OP_INSTALL, OP_BEGIN_INSTALL, OP_COUNT };
static const char *op_names[OP_COUNT] =
    { "Search", "BeginSearch", "Download", "BeginDownload", "Install", "BeginInstall" };

struct package
{
    WCHAR id[37];
    WCHAR name[32];
    WCHAR url[512];
    BYTE *content;
    DWORD size;
};

static struct package packages[PACKAGES];
static WCHAR service_id[64], payload[MAX_PATH], install_state[MAX_PATH];
static DWORD seconds = 12, watchdog_seconds = 30;
static volatile LONG stop, workers_done, failures, ops[OP_COUNT], outcomes_not_allowed, outcomes_aborted, callbacks_called;
static volatile LONG progress[WORKERS];
static const char *volatile doing[WORKERS];

/* Checks from worker threads: CMocka's asserts only work on the main thread. */
#define check(cond, ...) do { if (!(cond)) { fprintf(stderr, "worker %d: ", self->index); \
    fprintf(stderr, __VA_ARGS__); fprintf(stderr, "\n"); InterlockedIncrement(&failures); } } while (0)

struct worker
{
    int index;
    BOOL sta;
    unsigned int seed;
    IUpdateCollection *updates;     /* from this thread's last search, in catalog order */
};

static unsigned int next_random(struct worker *self)
{
    self->seed = self->seed * 1103515245 + 12345;
    return (self->seed >> 16) & 0x7fff;
}

/* --- a callback for every kind of job --- */

struct callback;
struct callback_vtbl
{
    HRESULT (STDMETHODCALLTYPE *QueryInterface)(struct callback *This, REFIID iid, void **out);
    ULONG (STDMETHODCALLTYPE *AddRef)(struct callback *This);
    ULONG (STDMETHODCALLTYPE *Release)(struct callback *This);
    HRESULT (STDMETHODCALLTYPE *Invoke)(struct callback *This, IUnknown *job, IUnknown *args);
};

struct callback
{
    const struct callback_vtbl *vtbl;
    LONG refs;
};

static HRESULT STDMETHODCALLTYPE callback_QueryInterface(struct callback *This, REFIID iid, void **out)
{
    if (IsEqualIID(iid, &IID_IUnknown) || IsEqualIID(iid, &IID_ISearchCompletedCallback)
        || IsEqualIID(iid, &IID_IDownloadCompletedCallback) || IsEqualIID(iid, &IID_IDownloadProgressChangedCallback)
        || IsEqualIID(iid, &IID_IInstallationCompletedCallback)
        || IsEqualIID(iid, &IID_IInstallationProgressChangedCallback))
    {
        *out = This;
        InterlockedIncrement(&This->refs);
        return S_OK;
    }
    *out = NULL;
    return E_NOINTERFACE;
}

static ULONG STDMETHODCALLTYPE callback_AddRef(struct callback *This)
{
    return InterlockedIncrement(&This->refs);
}

static ULONG STDMETHODCALLTYPE callback_Release(struct callback *This)
{
    ULONG refs = InterlockedDecrement(&This->refs);

    if (!refs) free(This);
    return refs;
}

static HRESULT STDMETHODCALLTYPE callback_Invoke(struct callback *This, IUnknown *job, IUnknown *args)
{
    (void)This;
    (void)args;
    if (job) InterlockedIncrement(&callbacks_called);
    return S_OK;
}

static const struct callback_vtbl callback_vtbl =
    { callback_QueryInterface, callback_AddRef, callback_Release, callback_Invoke };

/* A new callback, or NULL half of the time. */
static IUnknown *maybe_callback(struct worker *self)
{
    struct callback *cb;

    if (next_random(self) & 1 || !(cb = calloc(1, sizeof(*cb)))) return NULL;
    cb->vtbl = &callback_vtbl;
    cb->refs = 1;
    return (IUnknown *)cb;
}

static void release_callback(IUnknown *cb)
{
    if (cb) IUnknown_Release(cb);
}

/* --- the catalog --- */

static BYTE *read_whole(const WCHAR *path, DWORD *size)
{
    HANDLE file = CreateFileW(path, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_DELETE, NULL, OPEN_EXISTING, 0, NULL);
    BYTE *data = NULL;
    DWORD got = 0;

    *size = 0;
    if (file == INVALID_HANDLE_VALUE) return NULL;
    *size = GetFileSize(file, NULL);
    if ((data = malloc(*size + 1)) && !(ReadFile(file, data, *size, &got, NULL) && got == *size))
    {
        free(data);
        data = NULL;
    }
    CloseHandle(file);
    return data;
}

static void write_bytes(const WCHAR *path, const BYTE *data, DWORD size)
{
    HANDLE file = CreateFileW(path, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, 0, NULL);
    DWORD written;

    assert_true(file != INVALID_HANDLE_VALUE);
    assert_true(WriteFile(file, data, size, &written, NULL) && written == size);
    CloseHandle(file);
}

static void sha1_base64(const BYTE *data, DWORD size, WCHAR *text, DWORD chars)
{
    BCRYPT_ALG_HANDLE alg;
    BCRYPT_HASH_HANDLE hash;
    BYTE sha1[20];

    assert_int_equal(0, BCryptOpenAlgorithmProvider(&alg, BCRYPT_SHA1_ALGORITHM, NULL, 0));
    assert_int_equal(0, BCryptCreateHash(alg, &hash, NULL, 0, NULL, 0, 0));
    assert_int_equal(0, BCryptHashData(hash, (BYTE *)data, size, 0));
    assert_int_equal(0, BCryptFinishHash(hash, sha1, sizeof(sha1), 0));
    BCryptDestroyHash(hash);
    BCryptCloseAlgorithmProvider(alg, 0);
    assert_true(CryptBinaryToStringW(sha1, sizeof(sha1), CRYPT_STRING_BASE64 | CRYPT_STRING_NOCRLF, text, &chars));
}

static void make_packages(void)
{
    WCHAR path[MAX_PATH], folder[MAX_PATH];
    DWORD chars;
    int i, j;

    for (i = 0; i < PACKAGES; i++)
    {
        struct package *p = &packages[i];

        swprintf(p->id, 37, L"%08lx-57e5-4000-8000-%012x", GetCurrentProcessId(), i);
        if (i == INSTALL_PACKAGE)
        {
            wcscpy(p->name, L"exitcode.exe");
            assert_non_null(p->content = read_whole(payload, &p->size));
            chars = ARRAYSIZE(p->url);
            assert_hr(S_OK, UrlCreateFromPathW(payload, p->url, &chars, 0));
            continue;
        }
        swprintf(p->name, ARRAYSIZE(p->name), L"file%d.bin", i);
        p->size = i == HTTP_PACKAGE ? 4096 : 1000 + 100 * i;
        assert_non_null(p->content = malloc(p->size));
        for (j = 0; j < (int)p->size; j++) p->content[j] = (BYTE)(j * 7 + i);
        if (i == HTTP_PACKAGE)
        {
            /* 256 bytes every 10 ms: a fetch takes long enough for aborts to land in it */
            swprintf(folder, MAX_PATH, L"%ls\\stress-%lu", http_root, GetCurrentProcessId());
            CreateDirectoryW(http_root, NULL);
            CreateDirectoryW(folder, NULL);
            swprintf(path, MAX_PATH, L"%ls\\%ls", folder, p->name);
            swprintf(p->url, ARRAYSIZE(p->url), L"http://127.0.0.1:%u/trickle/256/10/stress-%lu/%ls", port,
                     GetCurrentProcessId(), p->name);
        }
        else
        {
            work_path(path, p->name);
            work_url(p->url, p->name);
        }
        write_bytes(path, p->content, p->size);
    }
}

static void write_stress_catalog(const WCHAR *path)
{
    FILE *f = _wfopen(path, L"w, ccs=UTF-8");
    WCHAR digest[64];
    int i;

    assert_non_null(f);
    fwprintf(f, L"<?xml version=\"1.0\" encoding=\"utf-8\"?>"
             L"<smc:SystemsManagementCatalog xmlns:smc=\"http://schemas.microsoft.com/sms/2005/04/CorporatePublishing/SystemsManagementCatalog.xsd\""
             L" xmlns:sdp=\"" NS_SDP L"SoftwareDistributionPackage.xsd\" xmlns:bar=\"" NS_SDP L"BaseApplicabilityRules.xsd\""
             L" xmlns:cmd=\"" NS_SDP L"Installers/CommandLineInstallation.xsd\">");
    for (i = 0; i < PACKAGES; i++)
    {
        const struct package *p = &packages[i];

        sha1_base64(p->content, p->size, digest, ARRAYSIZE(digest));
        fwprintf(f, L"<smc:SoftwareDistributionPackage SchemaVersion=\"1.0\">"
                 L"<sdp:Properties PackageID=\"%ls\" CreationDate=\"2024-03-05T06:07:08Z\" VendorName=\"OpenWUA Tests\">"
                 L"<sdp:ProductName>Stress</sdp:ProductName></sdp:Properties>"
                 L"<sdp:LocalizedProperties><sdp:Language>en</sdp:Language><sdp:Title>Stress %d</sdp:Title></sdp:LocalizedProperties>"
                 L"<sdp:UpdateSpecificData UpdateClassification=\"Updates\"/>"
                 L"<sdp:IsInstalled><bar:FileExists Path=\"%ls.never\"/></sdp:IsInstalled>"
                 L"<sdp:InstallableItem ID=\"%.8ls-1111-4000-8000-%012x\">", p->id, i, install_state, p->id, i);
        if (i == INSTALL_PACKAGE)
            fwprintf(f, L"<cmd:CommandLineInstallerData Program=\"exitcode.exe\" Arguments=\"0 &quot;%ls&quot;\" DefaultResult=\"Failed\">"
                     L"<cmd:ReturnCode Code=\"0\" Result=\"Succeeded\" Reboot=\"false\"/></cmd:CommandLineInstallerData>",
                     install_state);
        else fwprintf(f, L"<cmd:CommandLineInstallerData Program=\"%ls\" DefaultResult=\"Succeeded\"/>", p->name);
        fwprintf(f, L"<sdp:OriginFile Digest=\"%ls\" FileName=\"%ls\" Size=\"%lu\" Modified=\"2024-03-05T06:07:08Z\" OriginUri=\"%ls\"/>"
                 L"</sdp:InstallableItem></smc:SoftwareDistributionPackage>", digest, p->name, p->size, p->url);
    }
    fwprintf(f, L"</smc:SystemsManagementCatalog>");
    fclose(f);
}

static void register_catalog(void)
{
    IUpdateServiceManager *manager = create(&CLSID_UpdateServiceManager, &IID_IUpdateServiceManager);
    IUpdateService *service = NULL;
    WCHAR path[MAX_PATH];
    BSTR name, location, id = NULL;

    work_path(path, L"stress-catalog.xml");
    write_stress_catalog(path);
    name = SysAllocString(L"OpenWUA stress");
    location = SysAllocString(path);
    assert_hr(S_OK, IUpdateServiceManager_AddScanPackageService(manager, name, location, 0, &service));
    assert_hr(S_OK, IUpdateService_get_ServiceID(service, &id));
    wcscpy(service_id, id);
    SysFreeString(id);
    IUpdateService_Release(service);
    IUpdateServiceManager_Release(manager);
    SysFreeString(name);
    SysFreeString(location);
}

/* --- the operations --- */


static HRESULT make_object(struct worker *self, REFCLSID clsid, REFIID iid, void **out)
{
    IUpdateSession *session = NULL;
    HRESULT hr;

    *out = NULL;
    /* half of the objects come from a session of their own */
    if (next_random(self) & 1) return CoCreateInstance(clsid, NULL, CLSCTX_INPROC_SERVER, iid, out);
    if (FAILED(hr = CoCreateInstance(&CLSID_UpdateSession, NULL, CLSCTX_INPROC_SERVER, &IID_IUpdateSession,
                                     (void **)&session)))
        return hr;
    if (IsEqualIID(iid, &IID_IUpdateSearcher)) hr = IUpdateSession_CreateUpdateSearcher(session, (IUpdateSearcher **)out);
    else if (IsEqualIID(iid, &IID_IUpdateDownloader))
        hr = IUpdateSession_CreateUpdateDownloader(session, (IUpdateDownloader **)out);
    else hr = IUpdateSession_CreateUpdateInstaller(session, (IUpdateInstaller **)out);
    IUpdateSession_Release(session);
    return hr;
}

static IUpdateSearcher *new_searcher(struct worker *self)
{
    IUpdateSearcher *searcher = NULL;
    BSTR id = SysAllocString(service_id);
    HRESULT hr = make_object(self, &CLSID_UpdateSearcher, &IID_IUpdateSearcher, (void **)&searcher);

    check(hr == S_OK, "making a searcher: 0x%08lx", hr);
    if (searcher)
    {
        IUpdateSearcher_put_ServerSelection(searcher, ssOthers);
        IUpdateSearcher_put_ServiceID(searcher, id);
    }
    SysFreeString(id);
    return searcher;
}

/* A search result: succeeded with every package, or aborted (when asked) with none. */
static void check_search_result(struct worker *self, ISearchResult *result, BOOL aborted)
{
    OperationResultCode code = 0;
    IUpdateCollection *updates = NULL;
    LONG count = -1;

    ISearchResult_get_ResultCode(result, &code);
    ISearchResult_get_Updates(result, &updates);
    if (updates) IUpdateCollection_get_Count(updates, &count);
    if (code == orcAborted && aborted) check(count == 0, "aborted search with %ld updates", count);
    else
    {
        check(code == orcSucceeded, "search ResultCode %d", code);
        check(count == PACKAGES, "search found %ld updates", count);
        if (count == PACKAGES)
        {
            if (self->updates) IUpdateCollection_Release(self->updates);
            self->updates = updates;
            updates = NULL;
        }
    }
    if (code == orcAborted) InterlockedIncrement(&outcomes_aborted);
    if (updates) IUpdateCollection_Release(updates);
}

static void op_search(struct worker *self)
{
    IUpdateSearcher *searcher = new_searcher(self);
    BSTR criteria = SysAllocString(L"IsInstalled=0");
    ISearchResult *result = NULL;
    HRESULT hr;

    if (!searcher) return;
    hr = IUpdateSearcher_Search(searcher, criteria, &result);
    check(hr == S_OK, "Search: 0x%08lx", hr);
    if (result)
    {
        check_search_result(self, result, FALSE);
        ISearchResult_Release(result);
    }
    IUpdateSearcher_Release(searcher);
    SysFreeString(criteria);
}

/* What is done with a job after Begin*: the orders clients use, and some they should not. */
enum ending { END_THEN_CLEANUP, CLEANUP_THEN_END, RELEASE_UNENDED, OWNER_FIRST, ENDINGS };

static void op_begin_search(struct worker *self)
{
    IUpdateSearcher *searcher = new_searcher(self);
    BSTR criteria = SysAllocString(L"IsInstalled=0");
    IUnknown *cb = maybe_callback(self);
    ISearchJob *job = NULL;
    ISearchResult *result = NULL;
    enum ending ending = next_random(self) % ENDINGS;
    BOOL abort = next_random(self) % 3 == 0;
    VARIANT state;
    HRESULT hr;

    VariantInit(&state);
    if (!searcher) goto done;
    hr = IUpdateSearcher_BeginSearch(searcher, criteria, cb, state, &job);
    check(hr == S_OK, "BeginSearch: 0x%08lx", hr);
    if (!job) goto done;
    if (abort)
    {
        Sleep(next_random(self) % 20);
        check((hr = ISearchJob_RequestAbort(job)) == S_OK, "ISearchJob.RequestAbort: 0x%08lx", hr);
    }
    if (ending == CLEANUP_THEN_END) ISearchJob_CleanUp(job);
    if (ending == OWNER_FIRST)
    {
        /* End* needs its searcher: this order only drops a searcher whose job goes unended */
        IUpdateSearcher_Release(searcher);
        searcher = NULL;
    }
    else if (ending != RELEASE_UNENDED)
    {
        hr = IUpdateSearcher_EndSearch(searcher, job, &result);
        check(hr == S_OK, "EndSearch: 0x%08lx", hr);
        if (result)
        {
            check_search_result(self, result, abort);
            ISearchResult_Release(result);
        }
        hr = IUpdateSearcher_EndSearch(searcher, job, &result);
        check(hr == WU_E_INVALID_OPERATION, "second EndSearch: 0x%08lx", hr);
    }
    if (ending == END_THEN_CLEANUP) ISearchJob_CleanUp(job);
    ISearchJob_Release(job);
done:
    if (searcher) IUpdateSearcher_Release(searcher);
    release_callback(cb);
    SysFreeString(criteria);
}

/* Some of the download packages (never none), or the installer's. */
static IUpdateCollection *pick(struct worker *self, BOOL install)
{
    IUpdateCollection *coll = NULL;
    IUpdate *update;
    unsigned int mask = install ? 1u << INSTALL_PACKAGE : 1 + next_random(self) % 31;
    LONG i, added;

    if (!self->updates) op_search(self);
    if (!self->updates) return NULL;
    if (FAILED(CoCreateInstance(&CLSID_UpdateCollection, NULL, CLSCTX_INPROC_SERVER, &IID_IUpdateCollection,
                                (void **)&coll)))
        return NULL;
    for (i = 0; i < PACKAGES; i++)
    {
        if (!(mask & (1u << i)) || FAILED(IUpdateCollection_get_Item(self->updates, i, &update))) continue;
        IUpdateCollection_Add(coll, update, &added);
        IUpdate_Release(update);
    }
    return coll;
}

static IUpdateDownloader *new_downloader(struct worker *self, IUpdateCollection *updates)
{
    IUpdateDownloader *downloader = NULL;
    HRESULT hr = make_object(self, &CLSID_UpdateDownloader, &IID_IUpdateDownloader, (void **)&downloader);

    check(hr == S_OK, "making a downloader: 0x%08lx", hr);
    if (!downloader) return NULL;
    IUpdateDownloader_put_Updates(downloader, updates);
    /* a forced download replaces files others may be reading */
    IUpdateDownloader_put_IsForced(downloader, next_random(self) % 4 == 0 ? VARIANT_TRUE : VARIANT_FALSE);
    return downloader;
}

/* Every update downloaded, or (only when asked) aborted; and the collection's updates then show it. */
static void check_download_result(struct worker *self, IDownloadResult *result, IUpdateCollection *updates, BOOL aborted)
{
    OperationResultCode code = 0;
    LONG hr = 1, count = 0, i;
    IUpdate *update;
    VARIANT_BOOL downloaded;

    IDownloadResult_get_ResultCode(result, &code);
    IDownloadResult_get_HResult(result, &hr);
    check(hr == S_OK, "download HResult 0x%08lx", hr);
    if (code == orcAborted)
    {
        check(aborted, "download aborted unasked");
        InterlockedIncrement(&outcomes_aborted);
        return;
    }
    check(code == orcSucceeded, "download ResultCode %d", code);
    IUpdateCollection_get_Count(updates, &count);
    for (i = 0; code != orcSucceeded && i < count; i++)
    {
        IUpdateDownloadResult *one = NULL;
        OperationResultCode one_code = 0;

        if (FAILED(IDownloadResult_GetUpdateResult(result, i, &one))) continue;
        IUpdateDownloadResult_get_HResult(one, &hr);
        IUpdateDownloadResult_get_ResultCode(one, &one_code);
        fprintf(stderr, "  update %ld: ResultCode %d, HResult 0x%08lx\n", i, one_code, hr);
        IUpdateDownloadResult_Release(one);
    }
    for (i = 0; i < count; i++)
    {
        downloaded = VARIANT_FALSE;
        if (FAILED(IUpdateCollection_get_Item(updates, i, &update))) continue;
        IUpdate_get_IsDownloaded(update, &downloaded);
        check(downloaded == VARIANT_TRUE, "update %ld not downloaded after success", i);
        IUpdate_Release(update);
    }
}

static void op_download(struct worker *self)
{
    IUpdateCollection *updates = pick(self, FALSE);
    IUpdateDownloader *downloader = updates ? new_downloader(self, updates) : NULL;
    IDownloadResult *result = NULL;
    HRESULT hr;

    if (downloader)
    {
        hr = IUpdateDownloader_Download(downloader, &result);
        check(hr == S_OK, "Download: 0x%08lx", hr);
        if (result)
        {
            check_download_result(self, result, updates, FALSE);
            IDownloadResult_Release(result);
        }
        IUpdateDownloader_Release(downloader);
    }
    if (updates) IUpdateCollection_Release(updates);
}

static void op_begin_download(struct worker *self)
{
    IUpdateCollection *updates = pick(self, FALSE);
    IUpdateDownloader *downloader = updates ? new_downloader(self, updates) : NULL;
    IUnknown *progress_cb = maybe_callback(self), *completed_cb = maybe_callback(self);
    IDownloadJob *job = NULL;
    IDownloadResult *result = NULL;
    enum ending ending = next_random(self) % ENDINGS;
    BOOL abort = next_random(self) % 3 == 0;
    VARIANT state;
    HRESULT hr;

    VariantInit(&state);
    if (!downloader) goto done;
    hr = IUpdateDownloader_BeginDownload(downloader, progress_cb, completed_cb, state, &job);
    check(hr == S_OK, "BeginDownload: 0x%08lx", hr);
    if (!job) goto done;
    if (abort)
    {
        Sleep(next_random(self) % 50);
        check((hr = IDownloadJob_RequestAbort(job)) == S_OK, "IDownloadJob.RequestAbort: 0x%08lx", hr);
    }
    if (ending == CLEANUP_THEN_END) IDownloadJob_CleanUp(job);
    if (ending == OWNER_FIRST)
    {
        IUpdateDownloader_Release(downloader);
        downloader = NULL;
    }
    else if (ending != RELEASE_UNENDED)
    {
        hr = IUpdateDownloader_EndDownload(downloader, job, &result);
        check(hr == S_OK, "EndDownload: 0x%08lx", hr);
        if (result)
        {
            check_download_result(self, result, updates, abort);
            IDownloadResult_Release(result);
        }
    }
    if (ending == END_THEN_CLEANUP) IDownloadJob_CleanUp(job);
    IDownloadJob_Release(job);
done:
    if (downloader) IUpdateDownloader_Release(downloader);
    if (updates) IUpdateCollection_Release(updates);
    release_callback(progress_cb);
    release_callback(completed_cb);
}

static IUpdateInstaller *new_installer(struct worker *self, IUpdateCollection *updates)
{
    IUpdateInstaller *installer = NULL;
    HRESULT hr = make_object(self, &CLSID_UpdateInstaller, &IID_IUpdateInstaller, (void **)&installer);

    check(hr == S_OK, "making an installer: 0x%08lx", hr);
    if (installer) IUpdateInstaller_put_Updates(installer, updates);
    return installer;
}

/* Installed (the payload exits 0), or aborted before it ran when asked. */
static void check_install_result(struct worker *self, IInstallationResult *result, BOOL aborted)
{
    OperationResultCode code = 0;
    LONG hr = 1;

    IInstallationResult_get_ResultCode(result, &code);
    IInstallationResult_get_HResult(result, &hr);
    if (code == orcAborted && aborted)
    {
        InterlockedIncrement(&outcomes_aborted);
        return;
    }
    check(code == orcSucceeded && hr == S_OK, "install ResultCode %d, HResult 0x%08lx", code, hr);
}

static void op_install(struct worker *self)
{
    IUpdateCollection *updates = pick(self, TRUE);
    IUpdateInstaller *installer = updates ? new_installer(self, updates) : NULL;
    IInstallationResult *result = NULL;
    HRESULT hr;

    if (installer)
    {
        hr = IUpdateInstaller_Install(installer, &result);
        /* another thread, or the "other process" below, holds the machine-wide lock */
        if (hr == WU_E_INSTALL_NOT_ALLOWED) InterlockedIncrement(&outcomes_not_allowed);
        else check(hr == S_OK, "Install: 0x%08lx", hr);
        if (result)
        {
            check(hr == S_OK, "a result with 0x%08lx", hr);
            check_install_result(self, result, FALSE);
            IInstallationResult_Release(result);
        }
        IUpdateInstaller_Release(installer);
    }
    if (updates) IUpdateCollection_Release(updates);
}

static void op_begin_install(struct worker *self)
{
    IUpdateCollection *updates = pick(self, TRUE);
    IUpdateInstaller *installer = updates ? new_installer(self, updates) : NULL;
    IUnknown *progress_cb = maybe_callback(self), *completed_cb = maybe_callback(self);
    IInstallationJob *job = NULL;
    IInstallationResult *result = NULL;
    enum ending ending = next_random(self) % ENDINGS;
    BOOL abort = next_random(self) % 3 == 0;
    VARIANT state;
    HRESULT hr;

    VariantInit(&state);
    if (!installer) goto done;
    hr = IUpdateInstaller_BeginInstall(installer, progress_cb, completed_cb, state, &job);
    if (hr == WU_E_INSTALL_NOT_ALLOWED) InterlockedIncrement(&outcomes_not_allowed);
    else check(hr == S_OK, "BeginInstall: 0x%08lx", hr);
    if (!job) goto done;
    if (abort) check((hr = IInstallationJob_RequestAbort(job)) == S_OK, "IInstallationJob.RequestAbort: 0x%08lx", hr);
    if (ending == CLEANUP_THEN_END) IInstallationJob_CleanUp(job);
    if (ending == OWNER_FIRST)
    {
        IUpdateInstaller_Release(installer);
        installer = NULL;
    }
    else if (ending != RELEASE_UNENDED)
    {
        hr = IUpdateInstaller_EndInstall(installer, job, &result);
        /* the lock is taken when the job runs: another holder may have come first */
        if (hr == WU_E_INSTALL_NOT_ALLOWED) InterlockedIncrement(&outcomes_not_allowed);
        else check(hr == S_OK, "EndInstall: 0x%08lx", hr);
        if (result)
        {
            check_install_result(self, result, abort);
            IInstallationResult_Release(result);
        }
    }
    if (ending == END_THEN_CLEANUP) IInstallationJob_CleanUp(job);
    IInstallationJob_Release(job);
done:
    if (installer) IUpdateInstaller_Release(installer);
    if (updates) IUpdateCollection_Release(updates);
    release_callback(progress_cb);
    release_callback(completed_cb);
}

static void (*const op_functions[OP_COUNT])(struct worker *) =
    { op_search, op_begin_search, op_download, op_begin_download, op_install, op_begin_install };

/* --- the threads --- */

static DWORD WINAPI worker_thread(void *param)
{
    struct worker *self = param;
    enum op op;
    int i;

    if (FAILED(CoInitializeEx(NULL, self->sta ? COINIT_APARTMENTTHREADED : COINIT_MULTITHREADED)))
    {
        InterlockedIncrement(&failures);
        return 1;
    }
    while (!stop)
    {
        op = next_random(self) % OP_COUNT;
        doing[self->index] = op_names[op];
        op_functions[op](self);
        InterlockedIncrement(&ops[op]);
        InterlockedIncrement(&progress[self->index]);
        doing[self->index] = "pumping messages";
        if (self->sta) pump_messages(0);
    }
    doing[self->index] = "finished";
    if (self->updates) IUpdateCollection_Release(self->updates);
    /* jobs released unended may still call back into this apartment */
    if (self->sta) for (i = 0; i < 20; i++, Sleep(10)) pump_messages(0);
    CoUninitialize();
    return 0;
}

/* Another installer on the machine: holds the machine-wide lock now and then. */
static DWORD WINAPI outsider_thread(void *param)
{
    HANDLE mutex = CreateMutexW(NULL, FALSE, L"Global\\OpenWUA-Installation");

    (void)param;
    while (!stop && mutex)
    {
        Sleep(300);
        if (WaitForSingleObject(mutex, 0) != WAIT_OBJECT_0) continue;
        Sleep(150);
        ReleaseMutex(mutex);
    }
    if (mutex) CloseHandle(mutex);
    return 0;
}

/* Every thread's stack, by Wine's debugger, for the report of a hang. */
static void dump_stacks(void)
{
    WCHAR command[64];
    STARTUPINFOW si;
    PROCESS_INFORMATION pi;

    swprintf(command, ARRAYSIZE(command), L"winedbg --command \"bt all\" %lu", GetCurrentProcessId());
    memset(&si, 0, sizeof(si));
    si.cb = sizeof(si);
    si.dwFlags = STARTF_USESTDHANDLES;
    si.hStdOutput = si.hStdError = GetStdHandle(STD_ERROR_HANDLE);
    if (!CreateProcessW(NULL, command, NULL, NULL, TRUE, 0, NULL, NULL, &si, &pi)) return;
    WaitForSingleObject(pi.hProcess, 120000);
    CloseHandle(pi.hThread);
    CloseHandle(pi.hProcess);
}

static DWORD WINAPI watchdog_thread(void *param)
{
    LONG last = -1, now;
    DWORD still = 0;
    int i;

    (void)param;
    while (!workers_done)
    {
        Sleep(1000);
        for (now = 0, i = 0; i < WORKERS; i++) now += progress[i];
        /* after the end, a worker must finish its operation in the same time */
        still = now == last ? still + 1 : 0;
        last = now;
        if (still < watchdog_seconds) continue;
        fprintf(stderr, "watchdog: no operation ended for %lu s\n", watchdog_seconds);
        for (i = 0; i < WORKERS; i++)
            fprintf(stderr, "  worker %d (%s): %s, %ld operations\n", i, i < MTA_WORKERS ? "MTA" : "STA",
                    doing[i], progress[i]);
        fflush(stderr);
        dump_stacks();
        TerminateProcess(GetCurrentProcess(), 3);
    }
    return 0;
}

/* --- checks at the end --- */

/* Each of our cache folders holds just its file, whole and right. */
static int check_cache(void)
{
    WCHAR folder[MAX_PATH], pattern[MAX_PATH], path[MAX_PATH];
    WIN32_FIND_DATAW data;
    const struct package *p;
    HANDLE find;
    BYTE *content;
    DWORD size;
    int i, bad = 0;

    for (i = 0; i < PACKAGES; i++)
    {
        p = &packages[i];
        cache_folder(p->id, folder);
        swprintf(pattern, MAX_PATH, L"%ls\\*", folder);
        if ((find = FindFirstFileW(pattern, &data)) == INVALID_HANDLE_VALUE) continue;
        do
        {
            if (!wcscmp(data.cFileName, L".") || !wcscmp(data.cFileName, L"..")) continue;
            swprintf(path, MAX_PATH, L"%ls\\%ls", folder, data.cFileName);
            content = read_whole(path, &size);
            if (!_wcsicmp(data.cFileName, p->name) && content && size == p->size && !memcmp(content, p->content, size))
                continue;
            fprintf(stderr, "cache: %ls is not a verified file\n", path);
            bad++;
            free(content);
        } while (FindNextFileW(find, &data));
        FindClose(find);
    }
    return bad;
}


static void stress(void **state)
{
    struct worker workers[WORKERS];
    HANDLE threads[WORKERS + 2];
    IUpdateCollection *all;
    IUpdateDownloader *downloader;
    IDownloadResult *result = NULL;
    OperationResultCode code = 0;
    LONG total = 0;
    int i;

    (void)state;
    make_packages();
    register_catalog();

    /* everything in the cache once, so installs have their file from the start */
    {
        struct worker setup = { .index = -1, .seed = 1 };
        struct worker *self = &setup;

        op_search(self);
        assert_non_null(all = self->updates);
        downloader = create(&CLSID_UpdateDownloader, &IID_IUpdateDownloader);
        assert_hr(S_OK, IUpdateDownloader_put_Updates(downloader, all));
        assert_hr(S_OK, IUpdateDownloader_Download(downloader, &result));
        assert_hr(S_OK, IDownloadResult_get_ResultCode(result, &code));
        assert_int_equal(orcSucceeded, code);
        IDownloadResult_Release(result);
        IUpdateDownloader_Release(downloader);
        IUpdateCollection_Release(all);
        assert_int_equal(0, failures);
    }

    for (i = 0; i < WORKERS; i++)
    {
        workers[i].index = i;
        workers[i].sta = i >= MTA_WORKERS;
        workers[i].seed = GetTickCount() * 31 + i * 7919;
        workers[i].updates = NULL;
        doing[i] = "starting";
        assert_non_null(threads[i] = CreateThread(NULL, 0, worker_thread, &workers[i], 0, NULL));
    }
    assert_non_null(threads[WORKERS] = CreateThread(NULL, 0, outsider_thread, NULL, 0, NULL));
    assert_non_null(threads[WORKERS + 1] = CreateThread(NULL, 0, watchdog_thread, NULL, 0, NULL));
    Sleep(seconds * 1000);
    stop = TRUE;
    WaitForMultipleObjects(WORKERS + 1, threads, TRUE, INFINITE);
    workers_done = TRUE;
    for (i = 0; i < WORKERS + 2; i++)
    {
        WaitForSingleObject(threads[i], INFINITE);
        CloseHandle(threads[i]);
    }

    printf("stress: %lu s, %d MTA + %d STA threads\n", seconds, MTA_WORKERS, STA_WORKERS);
    for (i = 0; i < OP_COUNT; i++)
    {
        printf("  %-14s %6ld\n", op_names[i], ops[i]);
        total += ops[i];
    }
    printf("  %-14s %6ld (aborted outcomes %ld, WU_E_INSTALL_NOT_ALLOWED %ld, callbacks %ld)\n", "all", total,
           outcomes_aborted, outcomes_not_allowed, callbacks_called);
    assert_int_equal(0, failures);
    for (i = 0; i < OP_COUNT; i++) assert_true(ops[i] > 0);

    /* jobs released unended finish by themselves; then nothing of them is left */
    assert_true(wait_unloadable(30000));
    assert_int_equal(0, check_cache());
    for (i = 0; i < PACKAGES; i++) free(packages[i].content);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = { LEAK_CHECKED(stress) };
    const char *env = getenv("OPENWUA_PAYLOAD");
    int i;

    for (i = 1; i + 1 < argc; i += 2)
    {
        if (!strcmp(argv[i], "--seconds")) seconds = strtoul(argv[i + 1], NULL, 10);
        else if (!strcmp(argv[i], "--watchdog")) watchdog_seconds = strtoul(argv[i + 1], NULL, 10);
    }
    if (!env || !download_fixture_init(L"openwua-stress")) return 1;
    MultiByteToWideChar(CP_ACP, 0, env, -1, payload, ARRAYSIZE(payload));
    swprintf(install_state, MAX_PATH, L"%ls\\install-state.txt", work);
    return RUN_TESTS(tests);
}
