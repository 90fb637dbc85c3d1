# widl turns idl/wuapi.idl into the C header, the GUID definitions and the type library.
find_program(WIDL NAMES ${OPENWUA_TRIPLE}-widl widl REQUIRED)
set(WINE_IDL_DIR /usr/include/wine/wine/windows CACHE PATH "folder holding oaidl.idl and ocidl.idl")
set(WINE_TLB_DIR /usr/lib/x86_64-linux-gnu/wine/x86_64-windows CACHE PATH "folder holding stdole2.tlb")

set(OPENWUA_IDL ${CMAKE_SOURCE_DIR}/idl/wuapi.idl)
set(OPENWUA_GEN_DIR ${CMAKE_BINARY_DIR}/include)
set(OPENWUA_IDL_HEADER ${OPENWUA_GEN_DIR}/openwua_wuapi.h)
set(OPENWUA_IDL_GUIDS ${OPENWUA_GEN_DIR}/openwua_wuapi_i.c)
set(OPENWUA_TLB ${CMAKE_BINARY_DIR}/wuapi.tlb)
set(widl_flags -I${WINE_IDL_DIR} -L${WINE_TLB_DIR})
if(OPENWUA_ARCH STREQUAL "i686")
  list(APPEND widl_flags --win32)
else()
  list(APPEND widl_flags --win64)
endif()

add_custom_command(
  OUTPUT ${OPENWUA_IDL_HEADER} ${OPENWUA_IDL_GUIDS} ${OPENWUA_TLB}
  COMMAND ${CMAKE_COMMAND} -E make_directory ${OPENWUA_GEN_DIR}
  COMMAND ${WIDL} ${widl_flags} -h -o ${OPENWUA_IDL_HEADER} ${OPENWUA_IDL}
  COMMAND ${WIDL} ${widl_flags} -u -o ${OPENWUA_IDL_GUIDS} ${OPENWUA_IDL}
  COMMAND ${WIDL} ${widl_flags} -t -o ${OPENWUA_TLB} ${OPENWUA_IDL}
  DEPENDS ${OPENWUA_IDL}
  COMMENT "widl: header, GUIDs and type library from wuapi.idl")
add_custom_target(openwua_idl DEPENDS ${OPENWUA_IDL_HEADER} ${OPENWUA_IDL_GUIDS} ${OPENWUA_TLB})

# Every IID and CLSID of the IDL, for C clients (MinGW's libuuid lacks most of them).
add_library(openwua_uuid STATIC ${OPENWUA_IDL_GUIDS})
add_dependencies(openwua_uuid openwua_idl)
target_include_directories(openwua_uuid PUBLIC ${OPENWUA_GEN_DIR})
install(TARGETS openwua_uuid ARCHIVE DESTINATION lib)
