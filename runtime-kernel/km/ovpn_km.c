/*
 * ovpn_km.c - the WDF object context the C# platform keeps its DeviceContext pointer in. WDF_DECLARE_CONTEXT_TYPE
 * defines a static WDF_OBJECT_CONTEXT_TYPE_INFO and an accessor; C# can declare neither.
 */
#include <ntddk.h>
#include <wdf.h>
#include "ovpn_km.h"

typedef struct OVPN_KM_SLOT {
    void *Context;
} OVPN_KM_SLOT;

WDF_DECLARE_CONTEXT_TYPE_WITH_NAME(OVPN_KM_SLOT, ovpn_km_get_slot)

void ovpn_km_context_attributes_init(struct _WDF_OBJECT_ATTRIBUTES *attributes)
{
    WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE(attributes, OVPN_KM_SLOT);
}

void **ovpn_km_context_slot(void *wdf_object)
{
    return &ovpn_km_get_slot((WDFOBJECT)wdf_object)->Context;
}
