/*
 * ovpn_km_trace.c - the driver's trace sink: one TraceLogging event (message, two numbers, level) under the
 * provider "OpenVPN.OvpnDCO" {4970F9CF-2C0C-4F11-B1CC-E3A1E9958833}. Registered on first use; the generated
 * per-event TraceLogging (trace events declared in C#) replaces this file.
 */
#include <ntddk.h>
#include <TraceLoggingProvider.h>
#include "ovpn_km.h"

TRACELOGGING_DEFINE_PROVIDER(ovpn_km_provider, "OpenVPN.OvpnDCO",
    (0x4970f9cf, 0x2c0c, 0x4f11, 0xb1, 0xcc, 0xe3, 0xa1, 0xe9, 0x95, 0x88, 0x33));

static volatile LONG ovpn_km_trace_registered;

/* The level of a TraceLogging event is part of its static metadata: one write per level (2 error .. 5 verbose). */
#define OVPN_KM_TRACE_AT(lvl) \
    TraceLoggingWrite(ovpn_km_provider, "Trace", TraceLoggingLevel(lvl), \
        TraceLoggingString(message, "Message"), TraceLoggingInt64(a, "A"), TraceLoggingInt64(b, "B"))

void ovpn_km_trace(int32_t level, const char *message, int64_t a, int64_t b)
{
    if (InterlockedCompareExchange(&ovpn_km_trace_registered, 1, 0) == 0)
        (void)TraceLoggingRegister(ovpn_km_provider);
    switch (level) {
    case 2: OVPN_KM_TRACE_AT(2); break;
    case 3: OVPN_KM_TRACE_AT(3); break;
    case 4: OVPN_KM_TRACE_AT(4); break;
    default: OVPN_KM_TRACE_AT(5); break;
    }
}
