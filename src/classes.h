/*
 * OpenWUA: the classes this DLL serves and registers.
 *
 * Copyright 2026 the OpenWUA authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef OPENWUA_CLASSES_H
#define OPENWUA_CLASSES_H

struct wua_class
{
    const CLSID *clsid;
    const WCHAR *name;         /* registry display name */
    const WCHAR *progid;       /* version-independent ProgID; the versioned one adds ".1" */
    HRESULT (*create)(REFIID riid, void **obj);
};

/* A class is listed, and so registered, only once it is implemented. */
static const struct wua_class wua_classes[] =
{
    { &CLSID_UpdateSession, L"UpdateSession Class", L"Microsoft.Update.Session", update_session_create },
    { &CLSID_UpdateCollection, L"UpdateCollection Class", L"Microsoft.Update.UpdateColl", update_collection_create_class },
    { &CLSID_StringCollection, L"StringCollection Class", L"Microsoft.Update.StringColl", string_collection_create_class },
    { &CLSID_WebProxy, L"WebProxy Class", L"Microsoft.Update.WebProxy", web_proxy_create },
    { &CLSID_SystemInformation, L"SystemInformation Class", L"Microsoft.Update.SystemInfo", system_info_create },
    { &CLSID_WindowsUpdateAgentInfo, L"WindowsUpdateAgentInfo Class", L"Microsoft.Update.AgentInfo", agent_info_create },
    { &CLSID_AutomaticUpdates, L"AutomaticUpdates", L"Microsoft.Update.AutoUpdate", automatic_updates_create },
    { &CLSID_UpdateSearcher, L"UpdateSearcher Class", L"Microsoft.Update.Searcher", searcher_create_class },
    { &CLSID_UpdateServiceManager, L"UpdateServiceManager Class", L"Microsoft.Update.ServiceManager",
      service_manager_create },
    { &CLSID_UpdateDownloader, L"UpdateDownloader Class", L"Microsoft.Update.Downloader", downloader_create },
    { &CLSID_UpdateInstaller, L"UpdateInstaller Class", L"Microsoft.Update.Installer", installer_create },
};

#endif
