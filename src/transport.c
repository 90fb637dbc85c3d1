/*
 * OpenWUA: fetching files over HTTP(S) with WinHTTP.
 *
 * Synchronous WinHTTP, one request per fetch.  The body is streamed into a
 * temporary file in the destination's folder, flushed, and renamed over the
 * destination only when it is whole: readers see the old file or the new
 * one, never a part.  Certificate checks are never relaxed; a server whose
 * certificate WinHTTP does not accept is an error.
 *
 * Copyright 2026 the OpenWUA authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include <windows.h>
#include <winhttp.h>
#include <shlwapi.h>
#include <bcrypt.h>
#include <wuerror.h>
#include "transport.h"
#include "datadir.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#define USER_AGENT L"Windows-Update-Agent OpenWUA"
#define READ_CHUNK 65536
/* How long a fetch into the cache waits for another one of the same URL. */
#define CACHE_WAIT_MS 300000
#define CACHE_WAIT_STEP_MS 200

/* --- errors --- */

static const struct
{
    DWORD status;
    HRESULT hr;
}
status_errors[] =
{
    { HTTP_STATUS_BAD_REQUEST,      WU_E_PT_HTTP_STATUS_BAD_REQUEST },
    { HTTP_STATUS_DENIED,           WU_E_PT_HTTP_STATUS_DENIED },
    { HTTP_STATUS_FORBIDDEN,        WU_E_PT_HTTP_STATUS_FORBIDDEN },
    { HTTP_STATUS_NOT_FOUND,        WU_E_PT_HTTP_STATUS_NOT_FOUND },
    { HTTP_STATUS_BAD_METHOD,       WU_E_PT_HTTP_STATUS_BAD_METHOD },
    { HTTP_STATUS_PROXY_AUTH_REQ,   WU_E_PT_HTTP_STATUS_PROXY_AUTH_REQ },
    { HTTP_STATUS_REQUEST_TIMEOUT,  WU_E_PT_HTTP_STATUS_REQUEST_TIMEOUT },
    { HTTP_STATUS_CONFLICT,         WU_E_PT_HTTP_STATUS_CONFLICT },
    { HTTP_STATUS_GONE,             WU_E_PT_HTTP_STATUS_GONE },
    { HTTP_STATUS_SERVER_ERROR,     WU_E_PT_HTTP_STATUS_SERVER_ERROR },
    { HTTP_STATUS_NOT_SUPPORTED,    WU_E_PT_HTTP_STATUS_NOT_SUPPORTED },
    { HTTP_STATUS_BAD_GATEWAY,      WU_E_PT_HTTP_STATUS_BAD_GATEWAY },
    { HTTP_STATUS_SERVICE_UNAVAIL,  WU_E_PT_HTTP_STATUS_SERVICE_UNAVAIL },
    { HTTP_STATUS_GATEWAY_TIMEOUT,  WU_E_PT_HTTP_STATUS_GATEWAY_TIMEOUT },
    { HTTP_STATUS_VERSION_NOT_SUP,  WU_E_PT_HTTP_STATUS_VERSION_NOT_SUP },
};

HRESULT transport_status_error(DWORD status)
{
    unsigned int i;

    if (status == HTTP_STATUS_OK) return S_OK;
    for (i = 0; i < ARRAY_SIZE(status_errors); i++)
        if (status_errors[i].status == status) return status_errors[i].hr;
    /* other 2xx (a fetch asks for the whole body), 3xx not followed, the rest */
    return WU_E_PT_HTTP_STATUS_NOT_MAPPED;
}

HRESULT transport_winhttp_error(DWORD error)
{
    switch (error)
    {
    case ERROR_SUCCESS: return E_FAIL;      /* a failure that set no error */
    case ERROR_NOT_ENOUGH_MEMORY: return E_OUTOFMEMORY;
    case ERROR_WINHTTP_NAME_NOT_RESOLVED: return WU_E_PT_WINHTTP_NAME_NOT_RESOLVED;
    case ERROR_WINHTTP_INVALID_URL:
    case ERROR_WINHTTP_UNRECOGNIZED_SCHEME: return WU_E_PT_INVALID_URL;
    case ERROR_WINHTTP_OPERATION_CANCELLED: return E_ABORT;
    /* Wine's WinHTTP lets socket errors through where Windows has its own */
    case WSAETIMEDOUT: return HRESULT_FROM_WIN32(ERROR_WINHTTP_TIMEOUT);
    case WSAECONNREFUSED: return HRESULT_FROM_WIN32(ERROR_WINHTTP_CANNOT_CONNECT);
    case WSAECONNRESET:
    case WSAECONNABORTED: return HRESULT_FROM_WIN32(ERROR_WINHTTP_CONNECTION_ERROR);
    /* what WUA itself reports for these: 0x80072efd cannot connect,
     * 0x80072ee2 timeout, 0x80072f8f and neighbours for certificates */
    default: return HRESULT_FROM_WIN32(error);
    }
}

/* GetLastError is read once: HRESULT_FROM_WIN32 is a macro that may evaluate
 * its argument twice. */
static HRESULT last_error(void)
{
    DWORD error = GetLastError();

    return transport_winhttp_error(error);
}

static HRESULT last_file_error(void)
{
    DWORD error = GetLastError();

    return HRESULT_FROM_WIN32(error);
}

BOOL transport_is_http_url(const WCHAR *url)
{
    return url && (!_wcsnicmp(url, L"http://", 7) || !_wcsnicmp(url, L"https://", 8));
}

static BOOL aborted(const struct transport_options *options)
{
    return options->abort && *options->abort;
}

/* --- sessions and proxies --- */

struct fetch
{
    const struct transport_options *options;
    const WCHAR *url;           /* the caller's, then each redirect's target */
    WCHAR *location;            /* owns url after a redirect */
    DWORD timeout;
    HINTERNET session;
    HINTERNET connect;
    HINTERNET request;
    BOOL ie_proxy;              /* the system proxy is looked up per request */
    BOOL conditional;
    ULONGLONG range_start;      /* non-zero: ask for the body from there on */
    const WCHAR *if_range;      /* with range_start: the validator the part was fetched with, or NULL */
};

/* WinHTTP's own proxy setting (netsh winhttp), and then per request the
 * user's IE settings.  Not WINHTTP_ACCESS_TYPE_AUTOMATIC_PROXY: Wine 8
 * accepts it and then uses no proxy at all. */
static HINTERNET open_system_session(BOOL *ie_proxy)
{
    *ie_proxy = TRUE;
    return WinHttpOpen(USER_AGENT, WINHTTP_ACCESS_TYPE_DEFAULT_PROXY, WINHTTP_NO_PROXY_NAME,
                       WINHTTP_NO_PROXY_BYPASS, 0);
}

static HRESULT open_session(struct fetch *fetch)
{
    const struct transport_options *options = fetch->options;
    DWORD policy = WINHTTP_OPTION_REDIRECT_POLICY_NEVER;

    fetch->timeout = options->timeout ? options->timeout : TRANSPORT_DEFAULT_TIMEOUT;
    switch (options->proxy)
    {
    case TRANSPORT_PROXY_SYSTEM:
        fetch->session = open_system_session(&fetch->ie_proxy);
        break;
    case TRANSPORT_PROXY_NONE:
        fetch->session = WinHttpOpen(USER_AGENT, WINHTTP_ACCESS_TYPE_NO_PROXY, WINHTTP_NO_PROXY_NAME,
                                     WINHTTP_NO_PROXY_BYPASS, 0);
        break;
    case TRANSPORT_PROXY_NAMED:
        if (!options->proxy_server || !*options->proxy_server) return E_INVALIDARG;
        fetch->session = WinHttpOpen(USER_AGENT, WINHTTP_ACCESS_TYPE_NAMED_PROXY, options->proxy_server,
                                     options->proxy_bypass ? options->proxy_bypass : WINHTTP_NO_PROXY_BYPASS, 0);
        break;
    default:
        return E_INVALIDARG;
    }
    if (!fetch->session) return last_error();
    /* Redirects are followed here, not by WinHTTP: Wine's follows only some
     * of them, and each hop needs its own proxy and its own checks. */
    if (!WinHttpSetOption(fetch->session, WINHTTP_OPTION_REDIRECT_POLICY, &policy, sizeof(policy)))
        return last_error();
    return S_OK;
}

static void free_ie_config(WINHTTP_CURRENT_USER_IE_PROXY_CONFIG *config)
{
    GlobalFree(config->lpszAutoConfigUrl);
    GlobalFree(config->lpszProxy);
    GlobalFree(config->lpszProxyBypass);
}

static void free_proxy_info(WINHTTP_PROXY_INFO *info)
{
    GlobalFree(info->lpszProxy);
    GlobalFree(info->lpszProxyBypass);
}

/* The user's IE settings for this URL: a PAC script or auto-detection first,
 * then the static proxy.  Nothing set (or nothing found) keeps WinHTTP's own. */
static void set_ie_proxy(struct fetch *fetch)
{
    WINHTTP_CURRENT_USER_IE_PROXY_CONFIG config = { 0 };
    WINHTTP_AUTOPROXY_OPTIONS autoproxy = { 0 };
    WINHTTP_PROXY_INFO info = { 0 };

    if (!WinHttpGetIEProxyConfigForCurrentUser(&config)) return;
    if (config.fAutoDetect || config.lpszAutoConfigUrl)
    {
        autoproxy.dwFlags = config.lpszAutoConfigUrl ? WINHTTP_AUTOPROXY_CONFIG_URL : WINHTTP_AUTOPROXY_AUTO_DETECT;
        autoproxy.dwAutoDetectFlags = WINHTTP_AUTO_DETECT_TYPE_DHCP | WINHTTP_AUTO_DETECT_TYPE_DNS_A;
        autoproxy.lpszAutoConfigUrl = config.lpszAutoConfigUrl;
        autoproxy.fAutoLogonIfChallenged = TRUE;
        if (WinHttpGetProxyForUrl(fetch->session, fetch->url, &autoproxy, &info))
        {
            WinHttpSetOption(fetch->request, WINHTTP_OPTION_PROXY, &info, sizeof(info));
            free_proxy_info(&info);
            free_ie_config(&config);
            return;
        }
    }
    if (config.lpszProxy)
    {
        info.dwAccessType = WINHTTP_ACCESS_TYPE_NAMED_PROXY;
        info.lpszProxy = config.lpszProxy;
        info.lpszProxyBypass = config.lpszProxyBypass;
        WinHttpSetOption(fetch->request, WINHTTP_OPTION_PROXY, &info, sizeof(info));
    }
    free_ie_config(&config);
}

/* --- requests --- */

static WCHAR *copy_part(const WCHAR *s, DWORD length)
{
    WCHAR *copy = malloc((length + 1) * sizeof(WCHAR));

    if (!copy) return NULL;
    if (length) memcpy(copy, s, length * sizeof(WCHAR));
    copy[length] = 0;
    return copy;
}

static HRESULT open_request(struct fetch *fetch)
{
    URL_COMPONENTS parts;
    DWORD timeout = fetch->timeout;
    WCHAR *host, *object;
    HRESULT hr;

    memset(&parts, 0, sizeof(parts));
    parts.dwStructSize = sizeof(parts);
    parts.dwHostNameLength = parts.dwUrlPathLength = parts.dwExtraInfoLength = (DWORD)-1;
    if (!WinHttpCrackUrl(fetch->url, 0, 0, &parts)) return last_error();
    if ((parts.nScheme != INTERNET_SCHEME_HTTP && parts.nScheme != INTERNET_SCHEME_HTTPS) || !parts.dwHostNameLength)
        return WU_E_PT_INVALID_URL;
    /* path and query follow each other in the URL: one string from both */
    host = copy_part(parts.lpszHostName, parts.dwHostNameLength);
    object = copy_part(parts.lpszUrlPath, parts.dwUrlPathLength + parts.dwExtraInfoLength);
    if (!host || !object) hr = E_OUTOFMEMORY;
    else if (!(fetch->connect = WinHttpConnect(fetch->session, host, parts.nPort, 0))) hr = last_error();
    else if (!(fetch->request = WinHttpOpenRequest(fetch->connect, L"GET", *object ? object : L"/", NULL,
                                                   WINHTTP_NO_REFERER, WINHTTP_DEFAULT_ACCEPT_TYPES,
                                                   parts.nScheme == INTERNET_SCHEME_HTTPS ? WINHTTP_FLAG_SECURE : 0)))
        hr = last_error();
    else hr = S_OK;
    free(host);
    free(object);
    if (FAILED(hr)) return hr;
    /* Wine waits for the response's headers by the response timeout alone */
    if (!WinHttpSetTimeouts(fetch->request, timeout, timeout, timeout, timeout)
        || !WinHttpSetOption(fetch->request, WINHTTP_OPTION_RECEIVE_RESPONSE_TIMEOUT, &timeout, sizeof(timeout)))
        return last_error();
    if (fetch->ie_proxy) set_ie_proxy(fetch);
    return S_OK;
}

/* Validators come from servers (and from files): only printable ASCII goes
 * back into a header, so none can end the line and start another. */
static BOOL is_header_value(const WCHAR *value)
{
    const WCHAR *p;

    for (p = value; *p; p++) if (*p < 0x20 || *p > 0x7e) return FALSE;
    return p != value;
}

static HRESULT add_header(HINTERNET request, const WCHAR *name, const WCHAR *value)
{
    WCHAR line[TRANSPORT_MAX_VALIDATOR + 32];

    swprintf(line, ARRAY_SIZE(line), L"%ls: %ls", name, value);
    if (!WinHttpAddRequestHeaders(request, line, (DWORD)-1, WINHTTP_ADDREQ_FLAG_ADD | WINHTTP_ADDREQ_FLAG_REPLACE))
        return last_error();
    return S_OK;
}

static HRESULT add_conditions(struct fetch *fetch, const WCHAR *dest)
{
    const struct transport_validator *validator = fetch->options->validator;
    HRESULT hr;

    if (!validator || GetFileAttributesW(dest) == INVALID_FILE_ATTRIBUTES) return S_OK;
    if (is_header_value(validator->etag))
    {
        if (FAILED(hr = add_header(fetch->request, L"If-None-Match", validator->etag))) return hr;
        fetch->conditional = TRUE;
    }
    if (is_header_value(validator->last_modified))
    {
        if (FAILED(hr = add_header(fetch->request, L"If-Modified-Since", validator->last_modified))) return hr;
        fetch->conditional = TRUE;
    }
    return S_OK;
}

/* Range and If-Range of a resumed fetch: the part is only continued when
 * the server still has the version it came from. */
static HRESULT add_range(struct fetch *fetch)
{
    WCHAR value[32];
    HRESULT hr;

    if (!fetch->range_start) return S_OK;
    swprintf(value, ARRAY_SIZE(value), L"bytes=%I64u-", fetch->range_start);
    if (FAILED(hr = add_header(fetch->request, L"Range", value))) return hr;
    if (fetch->if_range && is_header_value(fetch->if_range)) return add_header(fetch->request, L"If-Range", fetch->if_range);
    return S_OK;
}

static HRESULT send_request(struct fetch *fetch, DWORD *status)
{
    DWORD size = sizeof(*status);

    if (aborted(fetch->options)) return E_ABORT;
    if (!WinHttpSendRequest(fetch->request, WINHTTP_NO_ADDITIONAL_HEADERS, 0, WINHTTP_NO_REQUEST_DATA, 0, 0, 0))
        return last_error();
    if (!WinHttpReceiveResponse(fetch->request, NULL)) return last_error();
    if (!WinHttpQueryHeaders(fetch->request, WINHTTP_QUERY_STATUS_CODE | WINHTTP_QUERY_FLAG_NUMBER,
                             WINHTTP_HEADER_NAME_BY_INDEX, status, &size, WINHTTP_NO_HEADER_INDEX))
        return last_error();
    return aborted(fetch->options) ? E_ABORT : S_OK;
}

/* A response header as text; FALSE when absent, too long or not plain text. */
static BOOL query_header(HINTERNET request, DWORD which, WCHAR *buffer, DWORD count)
{
    DWORD size = count * sizeof(WCHAR);

    if (!WinHttpQueryHeaders(request, which, WINHTTP_HEADER_NAME_BY_INDEX, buffer, &size, WINHTTP_NO_HEADER_INDEX)
        || !is_header_value(buffer))
    {
        buffer[0] = 0;
        return FALSE;
    }
    return TRUE;
}

/* Content-Length as a 64-bit number (the DWORD form stops at 4 GB); FALSE when absent. */
static BOOL content_length(HINTERNET request, ULONGLONG *length)
{
    WCHAR text[32], *end;

    if (!query_header(request, WINHTTP_QUERY_CONTENT_LENGTH, text, ARRAY_SIZE(text))) return FALSE;
    if (text[0] < '0' || text[0] > '9') return FALSE;
    *length = _wcstoui64(text, &end, 10);
    return !*end;
}

static void get_validator(struct fetch *fetch)
{
    struct transport_validator *validator = fetch->options->validator;

    if (!validator) return;
    query_header(fetch->request, WINHTTP_QUERY_ETAG, validator->etag, ARRAY_SIZE(validator->etag));
    query_header(fetch->request, WINHTTP_QUERY_LAST_MODIFIED, validator->last_modified,
                 ARRAY_SIZE(validator->last_modified));
}

/* --- the body --- */

static HRESULT write_all(HANDLE file, const BYTE *data, DWORD size)
{
    DWORD written;

    if (!WriteFile(file, data, size, &written, NULL)) return last_file_error();
    return written == size ? S_OK : HRESULT_FROM_WIN32(ERROR_WRITE_FAULT);
}

static HRESULT read_body(struct fetch *fetch, HANDLE file)
{
    ULONGLONG max = fetch->options->max_bytes, expected, total = 0;
    BOOL known = content_length(fetch->request, &expected);
    DWORD read;
    BYTE *buffer;
    HRESULT hr = S_OK;

    if (known && max && expected > max) return HRESULT_FROM_WIN32(ERROR_FILE_TOO_LARGE);
    if (!(buffer = malloc(READ_CHUNK))) return E_OUTOFMEMORY;
    for (;;)
    {
        if (aborted(fetch->options)) hr = E_ABORT;
        else if (!WinHttpReadData(fetch->request, buffer, READ_CHUNK, &read)) hr = last_error();
        else if (!read) break;
        else if ((total += read) > max && max) hr = HRESULT_FROM_WIN32(ERROR_FILE_TOO_LARGE);
        else hr = write_all(file, buffer, read);
        if (FAILED(hr)) break;
    }
    free(buffer);
    if (FAILED(hr)) return hr;
    /* a connection closed early can look like the end of the body */
    if (known && total != expected) return HRESULT_FROM_WIN32(ERROR_WINHTTP_CONNECTION_ERROR);
    return S_OK;
}

/* A new file in dest's folder, only this process has open. */
static HRESULT create_temp(const WCHAR *dest, WCHAR *temp, HANDLE *file)
{
    WCHAR folder[MAX_PATH];

    if (wcslen(dest) >= ARRAY_SIZE(folder)) return HRESULT_FROM_WIN32(ERROR_FILENAME_EXCED_RANGE);
    wcscpy(folder, dest);
    PathRemoveFileSpecW(folder);
    if (!GetTempFileNameW(*folder ? folder : L".", L"owt", 0, temp)) return last_file_error();
    *file = CreateFileW(temp, GENERIC_WRITE, 0, NULL, TRUNCATE_EXISTING, FILE_FLAG_SEQUENTIAL_SCAN, NULL);
    if (*file != INVALID_HANDLE_VALUE) return S_OK;
    DeleteFileW(temp);
    return last_file_error();
}

static HRESULT receive_to(struct fetch *fetch, const WCHAR *dest)
{
    WCHAR temp[MAX_PATH];
    HANDLE file;
    HRESULT hr;

    if (FAILED(hr = create_temp(dest, temp, &file))) return hr;
    hr = read_body(fetch, file);
    /* on disk before it takes the destination's name */
    if (SUCCEEDED(hr) && !FlushFileBuffers(file)) hr = last_file_error();
    CloseHandle(file);
    if (SUCCEEDED(hr) && !MoveFileExW(temp, dest, MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH))
        hr = last_file_error();
    if (FAILED(hr)) DeleteFileW(temp);
    return hr;
}

static void close_request(struct fetch *fetch)
{
    if (fetch->request) WinHttpCloseHandle(fetch->request);
    if (fetch->connect) WinHttpCloseHandle(fetch->connect);
    fetch->request = fetch->connect = NULL;
}

static BOOL is_redirect(DWORD status)
{
    return status == HTTP_STATUS_MOVED || status == HTTP_STATUS_REDIRECT || status == HTTP_STATUS_REDIRECT_METHOD
        || status == HTTP_STATUS_REDIRECT_KEEP_VERB || status == HTTP_STATUS_PERMANENT_REDIRECT;
}

/* The absolute URL a redirect points to; S_FALSE when it names none. */
static HRESULT redirect_target(struct fetch *fetch, WCHAR **target)
{
    DWORD size = 0, count;
    WCHAR *location;
    HRESULT hr;

    WinHttpQueryHeaders(fetch->request, WINHTTP_QUERY_LOCATION, WINHTTP_HEADER_NAME_BY_INDEX, NULL, &size,
                        WINHTTP_NO_HEADER_INDEX);
    if (GetLastError() != ERROR_INSUFFICIENT_BUFFER || size > TRANSPORT_MAX_URL * sizeof(WCHAR)) return S_FALSE;
    if (!(location = malloc(size))) return E_OUTOFMEMORY;
    hr = E_OUTOFMEMORY;
    if (!WinHttpQueryHeaders(fetch->request, WINHTTP_QUERY_LOCATION, WINHTTP_HEADER_NAME_BY_INDEX, location, &size,
                             WINHTTP_NO_HEADER_INDEX))
        hr = last_error();
    else if ((*target = malloc(TRANSPORT_MAX_URL * sizeof(WCHAR))))
    {
        /* a relative reference is resolved against the URL that answered */
        count = TRANSPORT_MAX_URL;
        hr = UrlCombineW(fetch->url, location, *target, &count, 0);
        if (FAILED(hr))
        {
            free(*target);
            *target = NULL;
        }
    }
    free(location);
    return hr;
}

/* Moves the fetch on to where a redirect points.  Only to http or https,
 * and never from https down to http. */
static HRESULT follow_redirect(struct fetch *fetch)
{
    WCHAR *target = NULL;
    HRESULT hr;

    if ((hr = redirect_target(fetch, &target)) != S_OK) return hr;
    if (!transport_is_http_url(target)
        || (!_wcsnicmp(fetch->url, L"https:", 6) && _wcsnicmp(target, L"https:", 6)))
    {
        free(target);
        return HRESULT_FROM_WIN32(ERROR_WINHTTP_REDIRECT_FAILED);
    }
    close_request(fetch);
    free(fetch->location);
    fetch->url = fetch->location = target;
    return S_OK;
}

/* Sends the request, following redirects; *status is the last answer's. */
static HRESULT request_following(struct fetch *fetch, const WCHAR *dest, DWORD *status)
{
    unsigned int redirects;
    HRESULT hr;

    for (redirects = 0;; redirects++)
    {
        if (FAILED(hr = open_request(fetch)) || FAILED(hr = add_conditions(fetch, dest))
            || FAILED(hr = add_range(fetch)) || FAILED(hr = send_request(fetch, status)))
            return hr;
        if (!is_redirect(*status)) return S_OK;
        if (redirects == TRANSPORT_MAX_REDIRECTS) return HRESULT_FROM_WIN32(ERROR_WINHTTP_REDIRECT_FAILED);
        if (FAILED(hr = follow_redirect(fetch))) return hr;
        if (hr == S_FALSE) return S_OK;     /* no Location: the 3xx is the answer */
    }
}

HRESULT transport_fetch(const WCHAR *url, const WCHAR *dest, const struct transport_options *options)
{
    static const struct transport_options defaults;
    struct fetch fetch = { .options = options ? options : &defaults, .url = url };
    DWORD status;
    HRESULT hr;

    if (!url || !dest || !*dest) return E_INVALIDARG;
    if (!transport_is_http_url(url) || wcslen(url) >= TRANSPORT_MAX_URL) return WU_E_PT_INVALID_URL;
    if (SUCCEEDED(hr = open_session(&fetch)) && SUCCEEDED(hr = request_following(&fetch, dest, &status)))
    {
        if (status == HTTP_STATUS_NOT_MODIFIED && fetch.conditional) hr = S_FALSE;
        else if (SUCCEEDED(hr = transport_status_error(status)) && SUCCEEDED(hr = receive_to(&fetch, dest)))
            get_validator(&fetch);
    }
    close_request(&fetch);
    if (fetch.session) WinHttpCloseHandle(fetch.session);
    free(fetch.location);
    return hr;
}

/* --- the cache --- */

static HRESULT nt_result(NTSTATUS status)
{
    return status ? HRESULT_FROM_NT(status) : S_OK;
}

static HRESULT hash_file(BCRYPT_HASH_HANDLE hash, HANDLE file)
{
    BYTE *buffer = malloc(READ_CHUNK);
    NTSTATUS status = 0;
    DWORD read;
    HRESULT hr = S_OK;

    if (!buffer) return E_OUTOFMEMORY;
    while (!status)
    {
        if (!ReadFile(file, buffer, READ_CHUNK, &read, NULL))
        {
            hr = last_file_error();
            break;
        }
        if (!read) break;
        status = BCryptHashData(hash, buffer, read, 0);
    }
    free(buffer);
    return FAILED(hr) ? hr : nt_result(status);
}

/* SHA-256 of size bytes at data, or of the rest of file when file is not NULL. */
static HRESULT sha256(HANDLE file, const BYTE *data, ULONG size, BYTE digest[32])
{
    BCRYPT_ALG_HANDLE algorithm;
    BCRYPT_HASH_HANDLE hash;
    NTSTATUS status;
    HRESULT hr;

    if ((status = BCryptOpenAlgorithmProvider(&algorithm, BCRYPT_SHA256_ALGORITHM, NULL, 0)))
        return nt_result(status);
    if (!(status = BCryptCreateHash(algorithm, &hash, NULL, 0, NULL, 0, 0)))
    {
        hr = file ? hash_file(hash, file) : nt_result(BCryptHashData(hash, (UCHAR *)data, size, 0));
        if (SUCCEEDED(hr)) hr = nt_result(BCryptFinishHash(hash, digest, 32, 0));
        BCryptDestroyHash(hash);
    }
    else hr = nt_result(status);
    BCryptCloseAlgorithmProvider(algorithm, 0);
    return hr;
}

static HRESULT sha256_of_file(const WCHAR *path, BYTE digest[32])
{
    HANDLE file;
    HRESULT hr;

    file = CreateFileW(path, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, FILE_FLAG_SEQUENTIAL_SCAN, NULL);
    if (file == INVALID_HANDLE_VALUE) return last_file_error();
    hr = sha256(file, NULL, 0, digest);
    CloseHandle(file);
    return hr;
}

/* The cache's name for a URL: the SHA-256 of its UTF-8, in hex. */
static HRESULT url_hash(const WCHAR *url, WCHAR hex[65])
{
    BYTE digest[32];
    char *utf8;
    int length, i;
    HRESULT hr;

    if (!(length = WideCharToMultiByte(CP_UTF8, 0, url, -1, NULL, 0, NULL, NULL))) return last_file_error();
    if (!(utf8 = malloc(length))) return E_OUTOFMEMORY;
    WideCharToMultiByte(CP_UTF8, 0, url, -1, utf8, length, NULL, NULL);
    hr = sha256(NULL, (const BYTE *)utf8, length - 1, digest);
    free(utf8);
    if (FAILED(hr)) return hr;
    for (i = 0; i < 32; i++) swprintf(hex + 2 * i, 3, L"%02x", digest[i]);
    return S_OK;
}

/* One fetch of a URL into the cache at a time, across processes.  A holder
 * that dies leaves the mutex abandoned, which the next waiter simply takes. */
static HRESULT cache_lock(const WCHAR *hash, const struct transport_options *options, HANDLE *mutex)
{
    WCHAR name[96];
    DWORD waited, result;

    swprintf(name, ARRAY_SIZE(name), L"Global\\OpenWUA-cache-%ls", hash);
    if (!(*mutex = CreateMutexW(NULL, FALSE, name))) return last_file_error();
    for (waited = 0; waited < CACHE_WAIT_MS; waited += CACHE_WAIT_STEP_MS)
    {
        if (aborted(options)) break;
        result = WaitForSingleObject(*mutex, CACHE_WAIT_STEP_MS);
        if (result == WAIT_OBJECT_0 || result == WAIT_ABANDONED) return S_OK;
        if (result != WAIT_TIMEOUT) break;
    }
    CloseHandle(*mutex);
    *mutex = NULL;
    return aborted(options) ? E_ABORT : HRESULT_FROM_WIN32(ERROR_TIMEOUT);
}

/* What the .validator file next to a cached copy holds: the validator the
 * server sent with that copy, and the copy's SHA-256.  A copy that no longer
 * matches (changed, cut short, or replaced by a fetch in between) is fetched
 * whole again, rather than kept for good by a 304. */
struct cache_record
{
    struct transport_validator validator;
    BYTE sha256[32];
};

static BOOL read_record(const WCHAR *path, struct cache_record *record)
{
    HANDLE file = CreateFileW(path, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
    DWORD read = 0;
    BOOL ok;

    if (file == INVALID_HANDLE_VALUE) return FALSE;
    ok = GetFileSize(file, NULL) == sizeof(*record) && ReadFile(file, record, sizeof(*record), &read, NULL)
         && read == sizeof(*record);
    CloseHandle(file);
    return ok;
}

/* The validator to make the fetch conditional with: none unless the record
 * is whole and the copy is the one it describes. */
static void cached_validator(const WCHAR *record_path, const WCHAR *data_path, struct transport_validator *validator)
{
    struct cache_record record;
    BYTE digest[32];

    memset(validator, 0, sizeof(*validator));
    if (!read_record(record_path, &record) || FAILED(sha256_of_file(data_path, digest))
        || memcmp(digest, record.sha256, sizeof(digest)))
        return;
    *validator = record.validator;
    validator->etag[ARRAY_SIZE(validator->etag) - 1] = 0;
    validator->last_modified[ARRAY_SIZE(validator->last_modified) - 1] = 0;
}

/* After a new copy took its name.  No validator, or no record written: no
 * record at all, and the next fetch is a plain one. */
static void write_record(const WCHAR *record_path, const WCHAR *data_path, const struct transport_validator *validator)
{
    struct cache_record record;
    HANDLE file;
    HRESULT hr = E_FAIL;

    record.validator = *validator;
    if ((validator->etag[0] || validator->last_modified[0]) && SUCCEEDED(sha256_of_file(data_path, record.sha256)))
    {
        file = CreateFileW(record_path, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, 0, NULL);
        if (file != INVALID_HANDLE_VALUE)
        {
            hr = write_all(file, (const BYTE *)&record, sizeof(record));
            CloseHandle(file);
        }
    }
    if (FAILED(hr)) DeleteFileW(record_path);
}

static HRESULT cache_paths(const WCHAR *url, const WCHAR *folder, const WCHAR *ext, WCHAR *hash,
                           WCHAR **data, WCHAR *validator)
{
    WCHAR path[MAX_PATH];
    HRESULT hr;

    if (FAILED(hr = url_hash(url, hash)) || FAILED(hr = data_folder(folder, TRUE, path))) return hr;
    if (swprintf(validator, MAX_PATH, L"%ls\\%ls.validator", path, hash) < 0)
        return HRESULT_FROM_WIN32(ERROR_FILENAME_EXCED_RANGE);
    if (!(*data = malloc(MAX_PATH * sizeof(WCHAR)))) return E_OUTOFMEMORY;
    if (swprintf(*data, MAX_PATH, L"%ls\\%ls.%ls", path, hash, ext) >= 0) return S_OK;
    free(*data);
    *data = NULL;
    return HRESULT_FROM_WIN32(ERROR_FILENAME_EXCED_RANGE);
}

/* Names are the caller's constants; checked anyway, they become paths. */
static BOOL is_plain_name(const WCHAR *name)
{
    return name && *name && !wcspbrk(name, L"\\/:*?\"<>|") && wcscmp(name, L".") && wcscmp(name, L"..");
}

HRESULT transport_fetch_cached(const WCHAR *url, const WCHAR *folder, const WCHAR *ext,
                               const struct transport_options *options, WCHAR **path)
{
    struct transport_options cached = { 0 };
    struct transport_validator validator;
    WCHAR hash[65], validator_path[MAX_PATH];
    HANDLE mutex;
    HRESULT hr;

    if (!path) return E_POINTER;
    *path = NULL;
    if (!url || !is_plain_name(folder) || !is_plain_name(ext)) return E_INVALIDARG;
    if (!transport_is_http_url(url)) return WU_E_PT_INVALID_URL;
    if (options) cached = *options;
    cached.validator = &validator;
    if (FAILED(hr = cache_paths(url, folder, ext, hash, path, validator_path))) return hr;
    if (FAILED(hr = cache_lock(hash, &cached, &mutex)))
    {
        free(*path);
        *path = NULL;
        return hr;
    }
    cached_validator(validator_path, *path, &validator);
    hr = transport_fetch(url, *path, &cached);
    if (hr == S_OK) write_record(validator_path, *path, &validator);
    ReleaseMutex(mutex);
    CloseHandle(mutex);
    if (SUCCEEDED(hr)) return S_OK;
    free(*path);
    *path = NULL;
    return hr;
}

/* --- resumable fetches ---
 *
 * The fetch runs on a thread of its own, and the caller waits for it while
 * watching the abort flag: a synchronous WinHTTP call blocked on a server
 * that sends nothing does not look at a flag, and Wine 8 does not end a
 * pending asynchronous read when its handle is closed either.  On abort the
 * caller cuts the thread off and returns at once: every write to the part
 * and its validator is made under the lock and only while the fetch is not
 * cancelled, so a thread left behind ends when its blocked call does,
 * touching nothing.  The thread holds a reference on the module it runs in
 * and drops it with FreeLibraryAndExitThread, so it cannot outlive the code. */

#define RETRY_FIRST_DELAY_MS 250
#define PROGRESS_POLL_MS 50
/* an answer that does not fit the range asked for: fetched whole, at once */
#define E_RETRY_WHOLE MAKE_HRESULT(SEVERITY_ERROR, FACILITY_ITF, 0x200)

struct resumable
{
    LONG refs;
    CRITICAL_SECTION lock;          /* guards cancelled and every write, done, total, received */
    volatile LONG cancelled;        /* the worker's abort flag */
    HANDLE cancel_event;            /* wakes a backoff */
    HANDLE finished;
    HRESULT hr;
    WCHAR *url, *partial, *validator_path, *proxy_server, *proxy_bypass;
    struct transport_options options;
    ULONGLONG size;
    ULONGLONG done, total, received;
    unsigned int attempts;
};

static void resumable_release(struct resumable *r)
{
    if (InterlockedDecrement(&r->refs)) return;
    DeleteCriticalSection(&r->lock);
    if (r->cancel_event) CloseHandle(r->cancel_event);
    if (r->finished) CloseHandle(r->finished);
    free(r->url);
    free(r->partial);
    free(r->validator_path);
    free(r->proxy_server);
    free(r->proxy_bypass);
    free(r);
}

static BOOL copy_string(const WCHAR *s, WCHAR **copy)
{
    *copy = NULL;
    return !s || (*copy = wcsdup(s));
}

static HRESULT resumable_create(const WCHAR *url, const WCHAR *partial, const WCHAR *validator_path, ULONGLONG size,
                                const struct transport_options *options, struct resumable **out)
{
    struct resumable *r;

    if (!(r = calloc(1, sizeof(*r)))) return E_OUTOFMEMORY;
    r->refs = 1;
    InitializeCriticalSection(&r->lock);
    if (options) r->options = *options;
    r->size = size;
    if (!copy_string(url, &r->url) || !copy_string(partial, &r->partial)
        || !copy_string(validator_path, &r->validator_path)
        || !copy_string(r->options.proxy_server, &r->proxy_server)
        || !copy_string(r->options.proxy_bypass, &r->proxy_bypass)
        || !(r->cancel_event = CreateEventW(NULL, TRUE, FALSE, NULL))
        || !(r->finished = CreateEventW(NULL, TRUE, FALSE, NULL)))
    {
        resumable_release(r);
        return E_OUTOFMEMORY;
    }
    r->options.proxy_server = r->proxy_server;
    r->options.proxy_bypass = r->proxy_bypass;
    r->options.abort = &r->cancelled;
    r->options.validator = NULL;
    r->options.progress = NULL;
    *out = r;
    return S_OK;
}

static BOOL is_transient(HRESULT hr)
{
    return hr == HRESULT_FROM_WIN32(ERROR_WINHTTP_CONNECTION_ERROR) || hr == HRESULT_FROM_WIN32(ERROR_WINHTTP_TIMEOUT)
        || hr == HRESULT_FROM_WIN32(ERROR_WINHTTP_INVALID_SERVER_RESPONSE)
        || hr == WU_E_PT_HTTP_STATUS_SERVER_ERROR || hr == WU_E_PT_HTTP_STATUS_BAD_GATEWAY
        || hr == WU_E_PT_HTTP_STATUS_SERVICE_UNAVAIL || hr == WU_E_PT_HTTP_STATUS_GATEWAY_TIMEOUT;
}

/* The validator file: the transport_validator the part's bytes came with. */
static void read_validator(const WCHAR *path, struct transport_validator *validator)
{
    HANDLE file = CreateFileW(path, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL,
                              OPEN_EXISTING, 0, NULL);
    DWORD read = 0;

    memset(validator, 0, sizeof(*validator));
    if (file == INVALID_HANDLE_VALUE) return;
    if (!ReadFile(file, validator, sizeof(*validator), &read, NULL) || read != sizeof(*validator))
        memset(validator, 0, sizeof(*validator));
    CloseHandle(file);
    validator->etag[ARRAY_SIZE(validator->etag) - 1] = 0;
    validator->last_modified[ARRAY_SIZE(validator->last_modified) - 1] = 0;
}

/* Under the lock.  No validator: no file, and a resumed fetch has no If-Range. */
static HRESULT write_validator(const WCHAR *path, const struct transport_validator *validator)
{
    HANDLE file;
    HRESULT hr;

    if (!validator->etag[0] && !validator->last_modified[0])
        return DeleteFileW(path) || GetLastError() == ERROR_FILE_NOT_FOUND ? S_OK : last_file_error();
    file = CreateFileW(path, GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL,
                       CREATE_ALWAYS, 0, NULL);
    if (file == INVALID_HANDLE_VALUE) return last_file_error();
    hr = write_all(file, (const BYTE *)validator, sizeof(*validator));
    CloseHandle(file);
    return hr;
}

/* What If-Range may carry: a strong ETag, else the date. */
static const WCHAR *if_range_of(const struct transport_validator *validator)
{
    if (validator->etag[0] && wcsncmp(validator->etag, L"W/", 2)) return validator->etag;
    if (validator->last_modified[0]) return validator->last_modified;
    return NULL;
}

/* Content-Range of a 206 answer to "bytes=start-": it must be the rest of
 * the file from start, of the size the caller expects when it knows one. */
static BOOL range_fits(HINTERNET request, ULONGLONG start, ULONGLONG size, ULONGLONG *total)
{
    WCHAR text[96], *p;
    ULONGLONG first, last, length;

    if (!query_header(request, WINHTTP_QUERY_CONTENT_RANGE, text, ARRAY_SIZE(text))) return FALSE;
    if (wcsncmp(text, L"bytes ", 6)) return FALSE;
    p = text + 6;
    if (*p < '0' || *p > '9') return FALSE;
    first = _wcstoui64(p, &p, 10);
    if (*p++ != '-' || *p < '0' || *p > '9') return FALSE;
    last = _wcstoui64(p, &p, 10);
    if (*p++ != '/' || *p < '0' || *p > '9') return FALSE;
    *total = _wcstoui64(p, &p, 10);
    if (*p || first != start || last + 1 != *total || (size && *total != size)) return FALSE;
    return !content_length(request, &length) || length == last - first + 1;
}

/* Under the lock: nothing is written once the caller has gone. */
static HRESULT guarded(struct resumable *r)
{
    if (!r->cancelled) return S_OK;
    LeaveCriticalSection(&r->lock);
    return E_ABORT;
}

/* Under the lock, while not cancelled: the part holds done bytes that stay. */
static void set_done(struct resumable *r, ULONGLONG done, BOOL restarted)
{
    r->done = done;
    if (r->options.part_written) r->options.part_written(r->options.part_context, done, restarted);
}

static HRESULT truncate_part(struct resumable *r, HANDLE file)
{
    LARGE_INTEGER zero = { 0 };
    HRESULT hr;

    EnterCriticalSection(&r->lock);
    if (FAILED(hr = guarded(r))) return hr;
    if (!SetFilePointerEx(file, zero, NULL, FILE_BEGIN) || !SetEndOfFile(file)) hr = last_file_error();
    /* even a failed truncation may have changed the part: its reader starts over */
    set_done(r, 0, TRUE);
    LeaveCriticalSection(&r->lock);
    return hr;
}

/* The body, appended to file from offset have; body bytes to come, 0 when not known. */
static HRESULT receive_part(struct resumable *r, struct fetch *fetch, HANDLE file, ULONGLONG have,
                            ULONGLONG expected, ULONGLONG total)
{
    ULONGLONG got = 0, max = r->size ? r->size : r->options.max_bytes;
    LARGE_INTEGER offset;
    DWORD read;
    BYTE *buffer;
    HRESULT hr = S_OK;

    offset.QuadPart = have;
    if (!SetFilePointerEx(file, offset, NULL, FILE_BEGIN)) return last_file_error();
    if (!(buffer = malloc(READ_CHUNK))) return E_OUTOFMEMORY;
    for (;;)
    {
        if (aborted(&r->options)) hr = E_ABORT;
        else if (!WinHttpReadData(fetch->request, buffer, READ_CHUNK, &read)) hr = last_error();
        else if (!read) break;
        else
        {
            EnterCriticalSection(&r->lock);
            if (FAILED(hr = guarded(r))) break;
            r->received += read;
            got += read;
            if (max && have + got > max) hr = HRESULT_FROM_WIN32(ERROR_FILE_TOO_LARGE);
            else if (SUCCEEDED(hr = write_all(file, buffer, read)))
            {
                set_done(r, have + got, FALSE);
                r->total = total;
            }
            LeaveCriticalSection(&r->lock);
        }
        if (FAILED(hr)) break;
    }
    free(buffer);
    if (FAILED(hr)) return hr;
    if (expected && got != expected) return HRESULT_FROM_WIN32(ERROR_WINHTTP_CONNECTION_ERROR);
    return S_OK;
}

/* A 200: the whole body from the start, under the validator it came with. */
static HRESULT receive_whole(struct resumable *r, struct fetch *fetch, HANDLE file)
{
    struct transport_validator validator;
    ULONGLONG length = 0;
    BOOL known = content_length(fetch->request, &length);
    ULONGLONG max = r->size ? r->size : r->options.max_bytes;
    HRESULT hr;

    if (known && max && length > max) return HRESULT_FROM_WIN32(ERROR_FILE_TOO_LARGE);
    if (FAILED(hr = truncate_part(r, file))) return hr;
    memset(&validator, 0, sizeof(validator));
    query_header(fetch->request, WINHTTP_QUERY_ETAG, validator.etag, ARRAY_SIZE(validator.etag));
    query_header(fetch->request, WINHTTP_QUERY_LAST_MODIFIED, validator.last_modified,
                 ARRAY_SIZE(validator.last_modified));
    EnterCriticalSection(&r->lock);
    if (FAILED(hr = guarded(r))) return hr;
    hr = write_validator(r->validator_path, &validator);
    LeaveCriticalSection(&r->lock);
    if (FAILED(hr)) return hr;
    return receive_part(r, fetch, file, 0, known ? length : 0, known ? length : r->size);
}

/* One request: continues the part when there is one (and *whole is FALSE). */
static HRESULT fetch_attempt(struct resumable *r, HINTERNET session, BOOL *whole)
{
    struct fetch fetch = { .options = &r->options, .url = r->url, .session = session };
    struct transport_validator validator;
    LARGE_INTEGER size;
    ULONGLONG total;
    HANDLE file;
    DWORD status;
    HRESULT hr;

    fetch.ie_proxy = r->options.proxy == TRANSPORT_PROXY_SYSTEM;
    fetch.timeout = r->options.timeout ? r->options.timeout : TRANSPORT_DEFAULT_TIMEOUT;
    file = CreateFileW(r->partial, GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL,
                       OPEN_ALWAYS, FILE_FLAG_SEQUENTIAL_SCAN, NULL);
    if (file == INVALID_HANDLE_VALUE) return last_file_error();
    if (!GetFileSizeEx(file, &size)) size.QuadPart = 0;
    read_validator(r->validator_path, &validator);
    /* a part as long as the file or longer cannot be continued */
    if (!*whole && size.QuadPart > 0 && (!r->size || (ULONGLONG)size.QuadPart < r->size))
    {
        fetch.range_start = size.QuadPart;
        fetch.if_range = if_range_of(&validator);
    }
    EnterCriticalSection(&r->lock);
    if (!r->cancelled) set_done(r, fetch.range_start, FALSE);
    LeaveCriticalSection(&r->lock);

    if (SUCCEEDED(hr = request_following(&fetch, r->partial, &status)))
    {
        if (status == HTTP_STATUS_PARTIAL_CONTENT && fetch.range_start)
        {
            if (range_fits(fetch.request, fetch.range_start, r->size, &total))
                hr = receive_part(r, &fetch, file, fetch.range_start, total - fetch.range_start, total);
            else hr = E_RETRY_WHOLE;    /* not the part asked for: a server not to trust with ranges */
        }
        else if (status == HTTP_STATUS_OK) hr = receive_whole(r, &fetch, file);
        else if (status == 416 && fetch.range_start) hr = E_RETRY_WHOLE;
        else hr = transport_status_error(status);     /* a 206 to a plain request among them */
    }
    if (hr == E_RETRY_WHOLE)
    {
        *whole = TRUE;
        truncate_part(r, file);
    }
    if (SUCCEEDED(hr) && !FlushFileBuffers(file)) hr = last_file_error();
    CloseHandle(file);
    close_request(&fetch);
    free(fetch.location);
    return hr;
}

static HRESULT fetch_attempts(struct resumable *r)
{
    struct fetch fetch = { .options = &r->options, .url = r->url };
    DWORD delay = RETRY_FIRST_DELAY_MS;
    BOOL whole = FALSE;
    HRESULT hr;

    if (FAILED(hr = open_session(&fetch)))
    {
        if (fetch.session) WinHttpCloseHandle(fetch.session);
        return hr;
    }
    for (;;)
    {
        r->attempts++;
        hr = fetch_attempt(r, fetch.session, &whole);
        if (hr == E_RETRY_WHOLE && r->attempts < TRANSPORT_MAX_ATTEMPTS) continue;
        if (hr == E_RETRY_WHOLE) hr = WU_E_PT_HTTP_STATUS_NOT_MAPPED;
        if (SUCCEEDED(hr) || !is_transient(hr) || r->attempts >= TRANSPORT_MAX_ATTEMPTS) break;
        if (WaitForSingleObject(r->cancel_event, delay) == WAIT_OBJECT_0)
        {
            hr = E_ABORT;
            break;
        }
        delay *= 2;
    }
    WinHttpCloseHandle(fetch.session);
    return hr;
}

static DWORD WINAPI resumable_thread(void *arg)
{
    struct resumable *r = arg;
    HMODULE module = NULL;

    GetModuleHandleExW(GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS | GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT,
                       (const WCHAR *)resumable_thread, &module);
    r->hr = fetch_attempts(r);
    SetEvent(r->finished);
    resumable_release(r);
    FreeLibraryAndExitThread(module, 0);
    return 0;
}

/* The worker's progress, handed to the caller's callback on the caller's thread. */
static void pass_progress(struct resumable *r, const struct transport_options *options, ULONGLONG *reported)
{
    ULONGLONG done, total;

    if (!options || !options->progress) return;
    EnterCriticalSection(&r->lock);
    done = r->done;
    total = r->total ? r->total : r->size;
    LeaveCriticalSection(&r->lock);
    if (done == *reported) return;
    *reported = done;
    options->progress(options->progress_context, done, total);
}

HRESULT transport_fetch_resumable(const WCHAR *url, const WCHAR *partial, const WCHAR *validator_path,
                                  ULONGLONG size, const struct transport_options *options,
                                  struct transport_stats *stats)
{
    struct resumable *r;
    ULONGLONG reported = (ULONGLONG)-1;
    HMODULE module;
    HANDLE thread;
    DWORD wait;
    HRESULT hr;

    if (stats) memset(stats, 0, sizeof(*stats));
    if (!url || !partial || !*partial || !validator_path || !*validator_path) return E_INVALIDARG;
    if (!transport_is_http_url(url) || wcslen(url) >= TRANSPORT_MAX_URL) return WU_E_PT_INVALID_URL;
    if (options && options->abort && *options->abort) return E_ABORT;
    if (FAILED(hr = resumable_create(url, partial, validator_path, size, options, &r))) return hr;
    /* the thread's own reference on this module, dropped as it exits */
    if (!GetModuleHandleExW(GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS, (const WCHAR *)resumable_thread, &module))
    {
        hr = last_file_error();
        resumable_release(r);
        return hr;
    }
    r->refs++;
    if (!(thread = CreateThread(NULL, 0, resumable_thread, r, 0, NULL)))
    {
        hr = last_file_error();
        FreeLibrary(module);
        r->refs--;
        resumable_release(r);
        return hr;
    }
    CloseHandle(thread);
    for (;;)
    {
        wait = WaitForSingleObject(r->finished, PROGRESS_POLL_MS);
        pass_progress(r, options, &reported);
        if (wait == WAIT_OBJECT_0)
        {
            hr = r->hr;
            break;
        }
        if (options && options->abort && *options->abort)
        {
            EnterCriticalSection(&r->lock);
            r->cancelled = 1;
            SetEvent(r->cancel_event);
            LeaveCriticalSection(&r->lock);
            hr = E_ABORT;
            break;
        }
    }
    if (stats)
    {
        EnterCriticalSection(&r->lock);
        stats->received = r->received;
        stats->attempts = r->attempts;
        LeaveCriticalSection(&r->lock);
    }
    resumable_release(r);
    return hr;
}
