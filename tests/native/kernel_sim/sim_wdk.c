/*
 * sim_wdk.c - the simulated Windows under the transpiled driver: pool, spin locks (a recursive or crossed
 * acquisition fails the run: on Windows it deadlocks), rundown, DPCs, IRPs and MDLs, KMDF objects, requests and
 * queues, the timer, NetAdapterCx rings and extensions, the WSK provider and a network between its sockets, and BCrypt
 * AEAD on OpenSSL. Single-threaded; every misuse is recorded in sim_failure and the run fails.
 */
#include "sim_harness.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>

struct sim_faults sim_faults;
const char *sim_failure;

static void fail(const char *what)
{
    if (sim_failure == NULL)
        sim_failure = what;
    fprintf(stderr, "sim: %s\n", what);
}

#define SIM_CHECK(cond, what) do { if (!(cond)) fail(what); } while (0)

/* ---- the simulated machine ---- */

static struct {
    KIRQL irql;
    int live_allocations;
    int live_irps;
    int live_mdls;
    int registrations;
    KDPC *dpcs; /* queued, oldest first */
    struct sim_object *driver;
    WDF_DRIVER_CONFIG driver_config;
    struct sim_socket *sockets[16];
    int socket_count;
    struct { uint8_t data[2048]; size_t length; uint8_t from[28]; uint8_t to[28]; } datagrams[64];
    int datagram_count;
    int64_t now_100ns;
    struct sim_object *last_device;
} m = { .now_100ns = 1000000000 };

void RtlInitUnicodeString(UNICODE_STRING *destination, const WCHAR *source)
{
    size_t n = 0;
    while (source != NULL && source[n] != 0)
        n++;
    destination->Buffer = (WCHAR *)source;
    destination->Length = (USHORT)(n * 2);
    destination->MaximumLength = (USHORT)(n * 2 + (source != NULL ? 2 : 0));
}

void KeBugCheckEx(ULONG code, ULONG_PTR p1, ULONG_PTR p2, ULONG_PTR p3, ULONG_PTR p4)
{
    (void)p2; (void)p3; (void)p4;
    fprintf(stderr, "sim: bug check %#x (%s)\n", code, p1 != 0 ? (const char *)p1 : "");
    abort();
}

/* ---- pool: a header with the tag, checked at free ---- */

struct pool_header {
    ULONG tag;
    ULONG magic;
    size_t size;
    uint64_t pad;
};

void *ExAllocatePool2(POOL_FLAGS flags, SIZE_T size, ULONG tag)
{
    SIM_CHECK(flags == POOL_FLAG_NON_PAGED, "pool: only non-paged memory (the data path runs at DISPATCH_LEVEL)");
    if (sim_faults.fail_allocation_at > 0 && --sim_faults.fail_allocation_at == 0)
        return NULL;
    struct pool_header *h = calloc(1, sizeof *h + size);
    if (h == NULL)
        return NULL;
    h->tag = tag;
    h->magic = 0x6f6f6c70;
    h->size = size;
    m.live_allocations++;
    return h + 1;
}

void ExFreePoolWithTag(void *p, ULONG tag)
{
    if (p == NULL) {
        fail("ExFreePoolWithTag(NULL)");
        return;
    }
    struct pool_header *h = (struct pool_header *)p - 1;
    SIM_CHECK(h->magic == 0x6f6f6c70, "ExFreePoolWithTag of memory not from the pool (or freed twice)");
    SIM_CHECK(h->tag == tag, "ExFreePoolWithTag with another tag than the allocation's");
    h->magic = 0;
    memset(h + 1, 0xdd, h->size);
    m.live_allocations--;
    free(h);
}

/* ---- spin locks: -1 held exclusive, n > 0 held shared by n ---- */

KIRQL ExAcquireSpinLockExclusive(EX_SPIN_LOCK *l)
{
    SIM_CHECK(*l == 0, "spin lock acquired exclusive while held (it would spin forever)");
    *l = -1;
    KIRQL old = m.irql;
    m.irql = DISPATCH_LEVEL;
    return old;
}

void ExReleaseSpinLockExclusive(EX_SPIN_LOCK *l, KIRQL old)
{
    SIM_CHECK(*l == -1, "exclusive release of a lock not held exclusive");
    *l = 0;
    m.irql = old;
}

KIRQL ExAcquireSpinLockShared(EX_SPIN_LOCK *l)
{
    SIM_CHECK(*l >= 0, "spin lock acquired shared while held exclusive (it would spin forever)");
    SIM_CHECK(*l == 0, "spin lock acquired shared twice on one CPU (a waiting writer would deadlock it)");
    *l = *l + 1;
    KIRQL old = m.irql;
    m.irql = DISPATCH_LEVEL;
    return old;
}

void ExReleaseSpinLockShared(EX_SPIN_LOCK *l, KIRQL old)
{
    SIM_CHECK(*l > 0, "shared release of a lock not held shared");
    *l = *l - 1;
    m.irql = old;
}

uint64_t KeQueryInterruptTime(void) { return (uint64_t)m.now_100ns; }
ULONG KeGetCurrentProcessorIndex(void) { return 0; }
KIRQL KeGetCurrentIrql(void) { return m.irql; }

/* ---- rundown ---- */

#define RUN_DOWN ((ULONG_PTR)-1)

void ExInitializeRundownProtection(EX_RUNDOWN_REF *r) { r->Count = 0; }

void ExReInitializeRundownProtection(EX_RUNDOWN_REF *r)
{
    SIM_CHECK(r->Count == RUN_DOWN, "ExReInitializeRundownProtection of a reference not run down");
    r->Count = 0;
}

BOOLEAN ExAcquireRundownProtection(EX_RUNDOWN_REF *r)
{
    if (r->Count == RUN_DOWN)
        return false;
    r->Count++;
    return true;
}

void ExReleaseRundownProtection(EX_RUNDOWN_REF *r)
{
    SIM_CHECK(r->Count != RUN_DOWN && r->Count > 0, "rundown released without an acquire");
    if (r->Count != RUN_DOWN && r->Count > 0)
        r->Count--;
}

static void run_dpcs(void);

void ExWaitForRundownProtectionRelease(EX_RUNDOWN_REF *r)
{
    SIM_CHECK(m.irql == PASSIVE_LEVEL, "ExWaitForRundownProtectionRelease above PASSIVE_LEVEL");
    if (r->Count != 0 && r->Count != RUN_DOWN)
        run_dpcs(); /* the other CPUs run what is queued meanwhile */
    SIM_CHECK(r->Count == 0 || r->Count == RUN_DOWN, "rundown wait with holders left (it would wait forever)");
    r->Count = RUN_DOWN;
}

/* ---- DPCs ---- */

void KeInitializeDpc(KDPC *dpc, KDEFERRED_ROUTINE *routine, void *context)
{
    memset(dpc, 0, sizeof *dpc);
    dpc->Routine = routine;
    dpc->Context = context;
}

BOOLEAN KeInsertQueueDpc(KDPC *dpc, void *a1, void *a2)
{
    (void)a1; (void)a2;
    SIM_CHECK(dpc->Routine != NULL, "KeInsertQueueDpc of a DPC not initialised");
    if (dpc->Queued)
        return false;
    dpc->Queued = 1;
    dpc->NextQueued = NULL;
    KDPC **tail = &m.dpcs;
    while (*tail != NULL)
        tail = &(*tail)->NextQueued;
    *tail = dpc;
    return true;
}

static void run_dpcs(void)
{
    SIM_CHECK(m.irql == PASSIVE_LEVEL, "DPCs run when the CPU leaves DISPATCH_LEVEL: a spin lock is still held");
    while (m.dpcs != NULL) {
        KDPC *dpc = m.dpcs;
        m.dpcs = dpc->NextQueued;
        dpc->Queued = 0;
        m.irql = DISPATCH_LEVEL;
        dpc->Routine(dpc, dpc->Context, NULL, NULL);
        SIM_CHECK(m.irql == DISPATCH_LEVEL, "a DPC returned at another IRQL than it ran at");
        m.irql = PASSIVE_LEVEL;
    }
}

void KeFlushQueuedDpcs(void)
{
    SIM_CHECK(m.irql == PASSIVE_LEVEL, "KeFlushQueuedDpcs above PASSIVE_LEVEL");
    run_dpcs();
}

/* ---- IRPs and MDLs: completion happens inside the call that issued the request, as WSK may do it ---- */

PIRP IoAllocateIrp(int8_t stackSize, BOOLEAN chargeQuota)
{
    (void)chargeQuota;
    SIM_CHECK(stackSize >= 1, "an IRP for WSK needs a stack location");
    PIRP irp = calloc(1, sizeof *irp);
    if (irp != NULL)
        m.live_irps++;
    return irp;
}

void IoFreeIrp(PIRP irp)
{
    m.live_irps--;
    free(irp);
}

void IoReuseIrp(PIRP irp, NTSTATUS status)
{
    irp->IoStatus.Status = status;
    irp->IoStatus.Information = 0;
    irp->CompletionRoutine = NULL;
}

void IoSetCompletionRoutine(PIRP irp, IO_COMPLETION_ROUTINE *routine, void *context, BOOLEAN onSuccess, BOOLEAN onError, BOOLEAN onCancel)
{
    SIM_CHECK(onSuccess && onError && onCancel, "a WSK IRP's completion routine must run on success, error and cancel");
    irp->CompletionRoutine = routine;
    irp->CompletionContext = context;
}

static NTSTATUS complete_irp(PIRP irp, NTSTATUS status, ULONG_PTR information)
{
    irp->IoStatus.Status = status;
    irp->IoStatus.Information = information;
    SIM_CHECK(irp->CompletionRoutine != NULL, "an IRP completed without a completion routine");
    if (irp->CompletionRoutine != NULL) {
        KIRQL old = m.irql;
        m.irql = DISPATCH_LEVEL;
        NTSTATUS r = irp->CompletionRoutine(NULL, irp, irp->CompletionContext);
        m.irql = old;
        SIM_CHECK(r == STATUS_MORE_PROCESSING_REQUIRED, "the driver's own IRP must stay its own (STATUS_MORE_PROCESSING_REQUIRED)");
    }
    return status;
}

PMDL IoAllocateMdl(void *va, ULONG length, BOOLEAN secondary, BOOLEAN chargeQuota, PIRP irp)
{
    (void)chargeQuota;
    SIM_CHECK(!secondary && irp == NULL, "the MDL is the buffer's own");
    PMDL mdl = calloc(1, sizeof *mdl);
    if (mdl == NULL)
        return NULL;
    mdl->ByteCount = length;
    mdl->MappedSystemVa = va;
    m.live_mdls++;
    return mdl;
}

void IoFreeMdl(PMDL mdl)
{
    m.live_mdls--;
    free(mdl);
}

void MmBuildMdlForNonPagedPool(PMDL mdl) { (void)mdl; }

void *MmGetSystemAddressForMdlSafe(PMDL mdl, ULONG priority)
{
    SIM_CHECK((priority & MdlMappingNoExecute) != 0, "mapped executable");
    return mdl->MappedSystemVa;
}

/* ---- BCrypt on OpenSSL: the pseudo-handles of AES-GCM and ChaCha20-Poly1305 ---- */

#define SIM_AES_GCM ((BCRYPT_ALG_HANDLE)0x1e1)
#define SIM_CHACHA ((BCRYPT_ALG_HANDLE)0x3a1)

struct sim_key {
    const EVP_CIPHER *cipher;
    uint8_t key[32];
};

NTSTATUS BCryptGenerateSymmetricKey(BCRYPT_ALG_HANDLE alg, BCRYPT_KEY_HANDLE *key, UCHAR *object, ULONG objectLength,
                                    UCHAR *secret, ULONG secretLength, ULONG flags)
{
    (void)flags;
    SIM_CHECK(object == NULL && objectLength == 0, "key objects are CNG's own (pseudo-handles)");
    const EVP_CIPHER *cipher = NULL;
    if (alg == SIM_AES_GCM)
        cipher = secretLength == 16 ? EVP_aes_128_gcm() : secretLength == 24 ? EVP_aes_192_gcm() : secretLength == 32 ? EVP_aes_256_gcm() : NULL;
    else if (alg == SIM_CHACHA && secretLength == 32)
        cipher = EVP_chacha20_poly1305();
    if (cipher == NULL)
        return STATUS_NOT_IMPLEMENTED;
    struct sim_key *k = calloc(1, sizeof *k);
    k->cipher = cipher;
    memcpy(k->key, secret, secretLength);
    *key = k;
    return STATUS_SUCCESS;
}

NTSTATUS BCryptDestroyKey(BCRYPT_KEY_HANDLE key)
{
    free(key);
    return STATUS_SUCCESS;
}

static NTSTATUS aead(int encrypt, BCRYPT_KEY_HANDLE key, UCHAR *input, ULONG length, void *padding, UCHAR *iv, ULONG ivLength,
                     UCHAR *output, ULONG outputLength, ULONG *result)
{
    BCRYPT_AUTHENTICATED_CIPHER_MODE_INFO *info = padding;
    SIM_CHECK(info != NULL && info->cbSize == sizeof *info && info->dwInfoVersion == 1, "BCRYPT_AUTHENTICATED_CIPHER_MODE_INFO_INIT");
    SIM_CHECK(iv == NULL && ivLength == 0, "AEAD: the nonce goes in the mode info, not pbIV");
    SIM_CHECK(outputLength >= length, "output shorter than the input");
    SIM_CHECK(info->cbTag == 16 && info->cbNonce == 12, "a 16-byte tag and a 12-byte nonce");
    struct sim_key *k = key;
    EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
    int n = 0, ok = EVP_CipherInit_ex(c, k->cipher, NULL, NULL, NULL, encrypt)
        && EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_AEAD_SET_IVLEN, (int)info->cbNonce, NULL)
        && EVP_CipherInit_ex(c, NULL, NULL, k->key, info->pbNonce, encrypt)
        && (info->cbAuthData == 0 || EVP_CipherUpdate(c, NULL, &n, info->pbAuthData, (int)info->cbAuthData))
        && (!encrypt ? EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_AEAD_SET_TAG, 16, info->pbTag) : 1)
        && EVP_CipherUpdate(c, output, &n, input, (int)length);
    int tail = 0;
    ok = ok && EVP_CipherFinal_ex(c, output + n, &tail);
    if (ok && encrypt)
        ok = EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_AEAD_GET_TAG, 16, info->pbTag);
    EVP_CIPHER_CTX_free(c);
    *result = (ULONG)(n + tail);
    return ok ? STATUS_SUCCESS : encrypt ? STATUS_UNSUCCESSFUL : STATUS_AUTH_TAG_MISMATCH;
}

NTSTATUS BCryptEncrypt(BCRYPT_KEY_HANDLE key, UCHAR *input, ULONG inputLength, void *padding, UCHAR *iv, ULONG ivLength,
                       UCHAR *output, ULONG outputLength, ULONG *result, ULONG flags)
{
    (void)flags;
    return aead(1, key, input, inputLength, padding, iv, ivLength, output, outputLength, result);
}

NTSTATUS BCryptDecrypt(BCRYPT_KEY_HANDLE key, UCHAR *input, ULONG inputLength, void *padding, UCHAR *iv, ULONG ivLength,
                       UCHAR *output, ULONG outputLength, ULONG *result, ULONG flags)
{
    (void)flags;
    return aead(0, key, input, inputLength, padding, iv, ivLength, output, outputLength, result);
}

/* HKDF (epoch keys) is not simulated: the scenarios use classic keys. */
NTSTATUS BCryptSetProperty(void *object, PCWSTR property, UCHAR *input, ULONG inputLength, ULONG flags)
{
    (void)object; (void)property; (void)input; (void)inputLength; (void)flags;
    return STATUS_NOT_IMPLEMENTED;
}

NTSTATUS BCryptKeyDerivation(BCRYPT_KEY_HANDLE key, BCryptBufferDesc *parameters, UCHAR *output, ULONG outputLength, ULONG *result, ULONG flags)
{
    (void)key; (void)parameters; (void)output; (void)outputLength; (void)result; (void)flags;
    return STATUS_NOT_IMPLEMENTED;
}

/* ---- KMDF objects ---- */

struct sim_device_init {
    int control;
    int exclusive;
    int named;
    WDF_FILEOBJECT_CONFIG file_config;
    NET_ADAPTER_DATAPATH_CALLBACKS datapath;
    struct sim_object *device;
};

static struct sim_object *new_object(int kind, struct sim_object *device)
{
    struct sim_object *o = calloc(1, sizeof *o);
    o->kind = kind;
    o->device = device;
    return o;
}

static void apply_attributes(struct sim_object *o, WDF_OBJECT_ATTRIBUTES *attributes)
{
    if (attributes == NULL)
        return;
    SIM_CHECK(attributes->Size == sizeof *attributes, "WDF_OBJECT_ATTRIBUTES not initialised");
    o->cleanup = attributes->EvtCleanupCallback;
}

void ovpn_km_context_attributes_init(struct _WDF_OBJECT_ATTRIBUTES *attributes)
{
    memset(attributes, 0, sizeof *attributes);
    attributes->Size = sizeof *attributes;
    attributes->ContextSize = sizeof(void *);
}

void **ovpn_km_context_slot(void *wdf_object)
{
    return &((struct sim_object *)wdf_object)->slot;
}

void WDF_DRIVER_CONFIG_INIT(WDF_DRIVER_CONFIG *config, EVT_WDF_DRIVER_DEVICE_ADD *add)
{
    memset(config, 0, sizeof *config);
    config->Size = sizeof *config;
    config->EvtDriverDeviceAdd = add;
}

NTSTATUS WdfDriverCreate(PDRIVER_OBJECT driverObject, UNICODE_STRING *registryPath, WDF_OBJECT_ATTRIBUTES *attributes,
                         WDF_DRIVER_CONFIG *config, WDFDRIVER *driver)
{
    (void)driverObject; (void)registryPath; (void)attributes;
    SIM_CHECK(m.driver == NULL, "WdfDriverCreate twice");
    m.driver_config = *config;
    m.driver = new_object(SIM_DRIVER, NULL);
    *driver = m.driver;
    return STATUS_SUCCESS;
}

void WDF_FILEOBJECT_CONFIG_INIT(WDF_FILEOBJECT_CONFIG *config, EVT_WDF_DEVICE_FILE_CREATE *create, EVT_WDF_FILE_CLOSE *close,
                                EVT_WDF_FILE_CLEANUP *cleanup)
{
    memset(config, 0, sizeof *config);
    config->Size = sizeof *config;
    config->EvtDeviceFileCreate = create;
    config->EvtFileClose = close;
    config->EvtFileCleanup = cleanup;
}

void WdfDeviceInitSetExclusive(PWDFDEVICE_INIT init, BOOLEAN exclusive) { init->exclusive = exclusive; }
void WdfDeviceInitSetIoType(PWDFDEVICE_INIT init, WDF_DEVICE_IO_TYPE type) { SIM_CHECK(type == WdfDeviceIoBuffered, "buffered I/O"); (void)init; }
void WdfDeviceInitSetFileObjectConfig(PWDFDEVICE_INIT init, WDF_FILEOBJECT_CONFIG *config, WDF_OBJECT_ATTRIBUTES *attributes)
{
    (void)attributes;
    init->file_config = *config;
}
NTSTATUS WdfDeviceInitAssignName(PWDFDEVICE_INIT init, UNICODE_STRING *name) { init->named = name->Length > 0; return STATUS_SUCCESS; }
void WdfDeviceInitFree(PWDFDEVICE_INIT init) { free(init); }

PWDFDEVICE_INIT WdfControlDeviceInitAllocate(WDFDRIVER driver, UNICODE_STRING *sddl)
{
    SIM_CHECK(driver == m.driver && sddl->Length > 0, "a control device with an SDDL");
    struct sim_device_init *init = calloc(1, sizeof *init);
    init->control = 1;
    return init;
}

NTSTATUS WdfDeviceCreate(PWDFDEVICE_INIT *init, WDF_OBJECT_ATTRIBUTES *attributes, WDFDEVICE *device)
{
    struct sim_object *d = new_object(SIM_DEVICE, NULL);
    d->device = d;
    d->control = (*init)->control;
    d->file_config = (*init)->file_config;
    apply_attributes(d, attributes);
    free(*init);
    *init = NULL; /* WdfDeviceCreate consumes the init on success */
    if (!d->control)
        m.last_device = d;
    *device = d;
    return STATUS_SUCCESS;
}

NTSTATUS WdfDeviceCreateSymbolicLink(WDFDEVICE device, UNICODE_STRING *name) { SIM_CHECK(name->Length > 0, "a link name"); device->symbolic_links++; return STATUS_SUCCESS; }
NTSTATUS WdfDeviceCreateDeviceInterface(WDFDEVICE device, const GUID *guid, UNICODE_STRING *reference)
{
    (void)guid; (void)reference;
    device->interfaces++;
    return STATUS_SUCCESS;
}
void WdfControlFinishInitializing(WDFDEVICE device) { SIM_CHECK(device->control, "WdfControlFinishInitializing of a PnP device"); }
WDFDEVICE WdfFileObjectGetDevice(WDFFILEOBJECT file) { return file->device; }

static void free_packet_queue(struct sim_object *q)
{
    if (q == NULL)
        return;
    free(q->rings);
    free(q);
}

void WdfObjectDelete(WDFOBJECT object)
{
    if (object->cleanup != NULL)
        object->cleanup(object);
    if (object->kind == SIM_DEVICE) {
        free(object->default_queue);
        free(object->timer);
        if (object->adapter != NULL) {
            free_packet_queue(object->adapter->txq);
            free_packet_queue(object->adapter->rxq);
            free(object->adapter);
        }
        free(object);
    }
}

void WdfObjectDereference(WDFOBJECT object)
{
    SIM_CHECK(object->kind == SIM_REQUEST && object->request.references > 0, "WdfObjectDereference without a reference");
    object->request.references--;
}

/* ---- queues and requests ---- */

static struct sim_object *manual_queues[32];
static int manual_queue_count;

void WDF_IO_QUEUE_CONFIG_INIT(WDF_IO_QUEUE_CONFIG *config, WDF_IO_QUEUE_DISPATCH_TYPE type)
{
    memset(config, 0, sizeof *config);
    config->Size = sizeof *config;
    config->DispatchType = type;
}

void WDF_IO_QUEUE_CONFIG_INIT_DEFAULT_QUEUE(WDF_IO_QUEUE_CONFIG *config, WDF_IO_QUEUE_DISPATCH_TYPE type)
{
    WDF_IO_QUEUE_CONFIG_INIT(config, type);
    config->DefaultQueue = true;
}

NTSTATUS WdfIoQueueCreate(WDFDEVICE device, WDF_IO_QUEUE_CONFIG *config, WDF_OBJECT_ATTRIBUTES *attributes, WDFQUEUE *queue)
{
    struct sim_object *q = new_object(SIM_QUEUE, device);
    apply_attributes(q, attributes);
    q->queue_config = *config;
    if (config->DefaultQueue) {
        SIM_CHECK(device->default_queue == NULL, "two default queues");
        device->default_queue = q;
    } else {
        SIM_CHECK(config->DispatchType == WdfIoQueueDispatchManual, "the pended-request queues are manual");
        manual_queues[manual_queue_count++] = q;
    }
    if (queue != NULL)
        *queue = q;
    return STATUS_SUCCESS;
}

WDFDEVICE WdfIoQueueGetDevice(WDFQUEUE queue) { return queue->device; }

static void unqueue(struct sim_object *q, int index)
{
    q->waiting[index]->request.queue = NULL;
    memmove(&q->waiting[index], &q->waiting[index + 1], (size_t)(q->waiting_count - index - 1) * sizeof q->waiting[0]);
    q->waiting_count--;
}

NTSTATUS WdfIoQueueRetrieveNextRequest(WDFQUEUE queue, WDFREQUEST *request)
{
    if (queue->waiting_count == 0)
        return STATUS_NO_MORE_ENTRIES;
    *request = queue->waiting[0];
    unqueue(queue, 0);
    return STATUS_SUCCESS;
}

NTSTATUS WdfIoQueueRetrieveRequestByFileObject(WDFQUEUE queue, WDFFILEOBJECT file, WDFREQUEST *request)
{
    for (int i = 0; i < queue->waiting_count; i++) {
        if (queue->waiting[i]->request.file == file) {
            *request = queue->waiting[i];
            unqueue(queue, i);
            return STATUS_SUCCESS;
        }
    }
    return STATUS_NO_MORE_ENTRIES;
}

NTSTATUS WdfIoQueueFindRequest(WDFQUEUE queue, WDFREQUEST found, WDFFILEOBJECT file, void *parameters, WDFREQUEST *out)
{
    (void)parameters;
    int i = 0;
    if (found != NULL) {
        while (i < queue->waiting_count && queue->waiting[i] != found)
            i++;
        if (i == queue->waiting_count)
            return STATUS_NOT_FOUND;
        i++;
    }
    for (; i < queue->waiting_count; i++) {
        if (file == NULL || queue->waiting[i]->request.file == file) {
            *out = queue->waiting[i];
            queue->waiting[i]->request.references++;
            return STATUS_SUCCESS;
        }
    }
    return STATUS_NO_MORE_ENTRIES;
}

NTSTATUS WdfIoQueueRetrieveFoundRequest(WDFQUEUE queue, WDFREQUEST found, WDFREQUEST *out)
{
    for (int i = 0; i < queue->waiting_count; i++) {
        if (queue->waiting[i] == found) {
            *out = found;
            unqueue(queue, i);
            return STATUS_SUCCESS;
        }
    }
    return STATUS_NOT_FOUND;
}

NTSTATUS WdfRequestForwardToIoQueue(WDFREQUEST request, WDFQUEUE queue)
{
    SIM_CHECK(!request->request.completed, "forwarding a completed request");
    if (queue->waiting_count == (int)(sizeof queue->waiting / sizeof queue->waiting[0]))
        return STATUS_INSUFFICIENT_RESOURCES;
    request->request.queue = queue;
    queue->waiting[queue->waiting_count++] = request;
    return STATUS_SUCCESS;
}

void WdfRequestCompleteWithInformation(WDFREQUEST request, NTSTATUS status, ULONG_PTR information)
{
    SIM_CHECK(!request->request.completed, "a request completed twice");
    SIM_CHECK(request->request.queue == NULL, "a request completed while it waits in a queue");
    SIM_CHECK(request->request.references == 0, "a request completed while a found reference is held");
    SIM_CHECK(information <= request->request.output_length || status < 0 || request->request.output_length == 0,
              "more information than the output buffer holds");
    request->request.completed = 1;
    request->request.status = status;
    request->request.information = information;
}

NTSTATUS WdfRequestRetrieveInputBuffer(WDFREQUEST request, size_t minimum, void **buffer, size_t *length)
{
    if (request->request.input_length < minimum || request->request.input == NULL)
        return STATUS_BUFFER_TOO_SMALL;
    *buffer = request->request.input;
    if (length != NULL)
        *length = request->request.input_length;
    return STATUS_SUCCESS;
}

NTSTATUS WdfRequestRetrieveOutputBuffer(WDFREQUEST request, size_t minimum, void **buffer, size_t *length)
{
    if (request->request.output_length < minimum || request->request.output == NULL)
        return STATUS_BUFFER_TOO_SMALL;
    *buffer = request->request.output;
    if (length != NULL)
        *length = request->request.output_length;
    return STATUS_SUCCESS;
}

/* ---- timer ---- */

void WDF_TIMER_CONFIG_INIT(WDF_TIMER_CONFIG *config, EVT_WDF_TIMER *callback)
{
    memset(config, 0, sizeof *config);
    config->Size = sizeof *config;
    config->EvtTimerFunc = callback;
    config->AutomaticSerialization = true;
}

NTSTATUS WdfTimerCreate(WDF_TIMER_CONFIG *config, WDF_OBJECT_ATTRIBUTES *attributes, WDFTIMER *timer)
{
    SIM_CHECK(attributes != NULL && attributes->ParentObject != NULL, "a timer is parented to its device");
    struct sim_object *t = new_object(SIM_TIMER, attributes->ParentObject);
    t->timer_config = *config;
    attributes->ParentObject->timer = t;
    *timer = t;
    return STATUS_SUCCESS;
}

BOOLEAN WdfTimerStart(WDFTIMER timer, int64_t dueTime)
{
    SIM_CHECK(dueTime < 0, "the timer is started with a relative due time");
    BOOLEAN was = (BOOLEAN)timer->armed;
    timer->armed = 1;
    timer->due = m.now_100ns - dueTime;
    return was;
}

BOOLEAN WdfTimerStop(WDFTIMER timer, BOOLEAN wait)
{
    SIM_CHECK(!wait || m.irql == PASSIVE_LEVEL, "WdfTimerStop waiting above PASSIVE_LEVEL");
    BOOLEAN was = (BOOLEAN)timer->armed;
    timer->armed = 0;
    return was;
}

/* ---- NetAdapterCx ---- */

NTSTATUS NetDeviceInitConfig(PWDFDEVICE_INIT init) { (void)init; return STATUS_SUCCESS; }

NETADAPTER_INIT *NetAdapterInitAllocate(WDFDEVICE device)
{
    struct sim_device_init *init = calloc(1, sizeof *init);
    init->device = device;
    return init;
}

void NetAdapterInitFree(NETADAPTER_INIT *init) { free(init); }

void NET_ADAPTER_DATAPATH_CALLBACKS_INIT(NET_ADAPTER_DATAPATH_CALLBACKS *callbacks, EVT_NET_ADAPTER_CREATE_TXQUEUE *tx,
                                         EVT_NET_ADAPTER_CREATE_RXQUEUE *rx)
{
    memset(callbacks, 0, sizeof *callbacks);
    callbacks->Size = sizeof *callbacks;
    callbacks->EvtAdapterCreateTxQueue = tx;
    callbacks->EvtAdapterCreateRxQueue = rx;
}

void NetAdapterInitSetDatapathCallbacks(NETADAPTER_INIT *init, NET_ADAPTER_DATAPATH_CALLBACKS *callbacks) { init->datapath = *callbacks; }

NTSTATUS NetAdapterCreate(NETADAPTER_INIT *init, WDF_OBJECT_ATTRIBUTES *attributes, NETADAPTER *adapter)
{
    struct sim_object *a = new_object(SIM_ADAPTER, init->device);
    apply_attributes(a, attributes);
    a->datapath = init->datapath;
    a->link = MediaConnectStateUnknown;
    init->device->adapter = a;
    *adapter = a;
    return STATUS_SUCCESS;
}

static struct sim_object *new_packet_queue(struct sim_object *adapter, NET_PACKET_QUEUE_CONFIG *config, WDF_OBJECT_ATTRIBUTES *attributes)
{
    struct sim_object *q = new_object(SIM_PACKET_QUEUE, adapter->device);
    apply_attributes(q, attributes);
    q->packet_config = *config;
    struct sim_ring_set *r = calloc(1, sizeof *r);
    r->collection.Rings[0] = &r->packets;
    r->collection.Rings[1] = &r->fragments;
    r->packets.ElementStride = sizeof(NET_PACKET);
    r->packets.NumberOfElements = SIM_RING_SIZE;
    r->packets.ElementIndexMask = SIM_RING_SIZE - 1;
    r->packets.Buffer = (uint8_t *)r->packet_elements;
    r->fragments.ElementStride = sizeof(NET_FRAGMENT);
    r->fragments.NumberOfElements = SIM_RING_SIZE;
    r->fragments.ElementIndexMask = SIM_RING_SIZE - 1;
    r->fragments.Buffer = (uint8_t *)r->fragment_elements;
    for (int i = 0; i < SIM_RING_SIZE; i++)
        r->addresses[i].VirtualAddress = r->buffers[i];
    q->rings = r;
    return q;
}

void NET_PACKET_QUEUE_CONFIG_INIT(NET_PACKET_QUEUE_CONFIG *c, EVT_PACKET_QUEUE_ADVANCE *advance,
                                  EVT_PACKET_QUEUE_SET_NOTIFICATION_ENABLED *notify, EVT_PACKET_QUEUE_CANCEL *cancel)
{
    memset(c, 0, sizeof *c);
    c->Size = sizeof *c;
    c->EvtAdvance = advance;
    c->EvtSetNotificationEnabled = notify;
    c->EvtCancel = cancel;
}

NTSTATUS NetTxQueueCreate(NETTXQUEUE_INIT *init, WDF_OBJECT_ATTRIBUTES *attributes, NET_PACKET_QUEUE_CONFIG *c, NETPACKETQUEUE *queue)
{
    struct sim_object *a = init->device->adapter;
    a->txq = new_packet_queue(a, c, attributes);
    *queue = a->txq;
    return STATUS_SUCCESS;
}

NTSTATUS NetRxQueueCreate(NETRXQUEUE_INIT *init, WDF_OBJECT_ATTRIBUTES *attributes, NET_PACKET_QUEUE_CONFIG *c, NETPACKETQUEUE *queue)
{
    struct sim_object *a = init->device->adapter;
    a->rxq = new_packet_queue(a, c, attributes);
    *queue = a->rxq;
    return STATUS_SUCCESS;
}

void NET_EXTENSION_QUERY_INIT(NET_EXTENSION_QUERY *q, const WCHAR *name, ULONG version, NET_EXTENSION_TYPE type)
{
    memset(q, 0, sizeof *q);
    q->Size = sizeof *q;
    q->Name = name;
    q->Version = version;
    q->Type = type;
}

static int wide_equals(PCWSTR wide, const char *ascii)
{
    size_t i = 0;
    for (; ascii[i] != 0; i++)
        if (wide[i] != (WCHAR)ascii[i])
            return 0;
    return wide[i] == 0;
}

static void get_extension(struct sim_object *queue, NET_EXTENSION_QUERY *q, NET_EXTENSION *e)
{
    memset(e, 0, sizeof *e);
    if (wide_equals(q->Name, "ms_fragment_virtualaddress") && q->Type == NetExtensionTypeFragment && q->Version == 1) {
        e->Reserved[0] = queue->rings->addresses;
        e->Reserved[1] = (void *)(uintptr_t)sizeof(NET_FRAGMENT_VIRTUAL_ADDRESS);
        e->Enabled = 1;
    } else if (wide_equals(q->Name, "ms_packet_checksum") && q->Type == NetExtensionTypePacket && q->Version == 1) {
        e->Reserved[0] = queue->rings->checksums;
        e->Reserved[1] = (void *)(uintptr_t)sizeof(NET_PACKET_CHECKSUM);
        e->Enabled = 1;
    } else {
        fail("an extension query the OS does not know");
    }
}

void NetTxQueueGetExtension(NETPACKETQUEUE queue, NET_EXTENSION_QUERY *q, NET_EXTENSION *e) { get_extension(queue, q, e); }
void NetRxQueueGetExtension(NETPACKETQUEUE queue, NET_EXTENSION_QUERY *q, NET_EXTENSION *e) { get_extension(queue, q, e); }
PCNET_RING_COLLECTION NetTxQueueGetRingCollection(NETPACKETQUEUE queue) { return &queue->rings->collection; }
PCNET_RING_COLLECTION NetRxQueueGetRingCollection(NETPACKETQUEUE queue) { return &queue->rings->collection; }
void NetRxQueueNotifyMoreReceivedPacketsAvailable(NETPACKETQUEUE queue) { (void)queue; }
void NetTxQueueNotifyMoreCompletedPacketsAvailable(NETPACKETQUEUE queue) { (void)queue; }

void NET_ADAPTER_LINK_LAYER_CAPABILITIES_INIT(NET_ADAPTER_LINK_LAYER_CAPABILITIES *c, ULONG64 tx, ULONG64 rx)
{
    memset(c, 0, sizeof *c);
    c->Size = sizeof *c;
    c->MaxTxLinkSpeed = tx;
    c->MaxRxLinkSpeed = rx;
}

void NetAdapterSetLinkLayerCapabilities(NETADAPTER adapter, NET_ADAPTER_LINK_LAYER_CAPABILITIES *c) { (void)adapter; SIM_CHECK(c->MaxTxLinkSpeed > 0, "a link speed"); }
void NetAdapterSetLinkLayerMtuSize(NETADAPTER adapter, ULONG mtu) { (void)adapter; SIM_CHECK(mtu >= 576 && mtu <= 9000, "an MTU"); }

void NET_ADAPTER_LINK_STATE_INIT(NET_ADAPTER_LINK_STATE *s, ULONG64 speed, NET_IF_MEDIA_CONNECT_STATE connect,
                                 NET_IF_MEDIA_DUPLEX_STATE duplex, NET_ADAPTER_PAUSE_FUNCTION_TYPE pause,
                                 NET_ADAPTER_AUTO_NEGOTIATION_FLAGS flags)
{
    (void)pause; (void)flags;
    memset(s, 0, sizeof *s);
    s->Size = sizeof *s;
    s->TxLinkSpeed = speed;
    s->RxLinkSpeed = speed;
    s->MediaConnectState = connect;
    s->MediaDuplexState = duplex;
}

void NetAdapterSetLinkState(NETADAPTER adapter, NET_ADAPTER_LINK_STATE *s) { adapter->link = s->MediaConnectState; }

void NET_ADAPTER_OFFLOAD_RX_CHECKSUM_CAPABILITIES_INIT(NET_ADAPTER_OFFLOAD_RX_CHECKSUM_CAPABILITIES *c,
                                                       EVT_NET_ADAPTER_OFFLOAD_SET_RX_CHECKSUM *callback)
{
    memset(c, 0, sizeof *c);
    c->Size = sizeof *c;
    c->EvtAdapterOffloadSetRxChecksum = callback;
}

void NetAdapterOffloadSetRxChecksumCapabilities(NETADAPTER adapter, NET_ADAPTER_OFFLOAD_RX_CHECKSUM_CAPABILITIES *c)
{
    SIM_CHECK(c->Size == sizeof *c && c->EvtAdapterOffloadSetRxChecksum != NULL, "rx checksum capabilities with a callback");
    adapter->rx_checksum_callback = c->EvtAdapterOffloadSetRxChecksum;
}

/* The OS's offload settings: the simulation enables every receive checksum. */
BOOLEAN NetOffloadIsRxChecksumIPv4Enabled(NETOFFLOAD offload) { (void)offload; return true; }
BOOLEAN NetOffloadIsRxChecksumTcpEnabled(NETOFFLOAD offload) { (void)offload; return true; }
BOOLEAN NetOffloadIsRxChecksumUdpEnabled(NETOFFLOAD offload) { (void)offload; return true; }

NTSTATUS NetAdapterStart(NETADAPTER adapter)
{
    /* The OS creates the data path when the interface comes up, and tells the offload settings. */
    struct sim_device_init init = { .device = adapter->device };
    NTSTATUS status = adapter->datapath.EvtAdapterCreateTxQueue(adapter, &init);
    if (NT_SUCCESS(status))
        status = adapter->datapath.EvtAdapterCreateRxQueue(adapter, &init);
    if (NT_SUCCESS(status) && adapter->rx_checksum_callback != NULL) {
        struct sim_object offload = { .kind = SIM_OFFLOAD };
        adapter->rx_checksum_callback(adapter, &offload);
    }
    return status;
}

void NetAdapterStop(NETADAPTER adapter) { (void)adapter; }

/* ---- WSK: the provider, its sockets and a network between them ---- */

static int address_length(const uint8_t *a) { return *(const uint16_t *)a == AF_INET6 ? 28 : 16; }
static int same_address(const uint8_t *a, const uint8_t *b)
{
    return *(const uint16_t *)a == *(const uint16_t *)b && memcmp(a, b, *(const uint16_t *)a == AF_INET6 ? 24 : 8) == 0;
}

static NTSTATUS provider_control(PWSK_SOCKET socket, WSK_CONTROL_SOCKET_TYPE type, ULONG code, ULONG level, SIZE_T inSize, void *in,
                                 SIZE_T outSize, void *out, SIZE_T *returned, PIRP irp)
{
    (void)outSize; (void)out; (void)returned;
    struct sim_socket *s = (struct sim_socket *)socket;
    SIM_CHECK(!s->closed, "WskControlSocket on a closed socket");
    SIM_CHECK(type == WskSetOption, "WskSetOption");
    if (code == SO_WSK_EVENT_CALLBACK && level == SOL_SOCKET) {
        SIM_CHECK(irp == NULL, "SO_WSK_EVENT_CALLBACK takes no IRP");
        SIM_CHECK(inSize == sizeof(WSK_EVENT_CALLBACK_CONTROL), "SO_WSK_EVENT_CALLBACK's input");
        WSK_EVENT_CALLBACK_CONTROL *c = in;
        SIM_CHECK(c->NpiId != NULL && c->NpiId->Data1 == 0x2227E803, "NPI_WSK_INTERFACE_ID");
        if (c->EventMask & WSK_EVENT_DISABLE)
            s->event_mask &= ~(c->EventMask & ~WSK_EVENT_DISABLE);
        else
            s->event_mask |= c->EventMask;
        return STATUS_SUCCESS;
    }
    SIM_CHECK(code == IPV6_V6ONLY && level == IPPROTO_IPV6 && !s->is_bound, "IPV6_V6ONLY before the bind");
    return complete_irp(irp, STATUS_SUCCESS, 0);
}

static NTSTATUS provider_close(PWSK_SOCKET socket, PIRP irp)
{
    struct sim_socket *s = (struct sim_socket *)socket;
    SIM_CHECK(!s->closed, "WskCloseSocket twice");
    s->closed = 1;
    if (s->pending_connect != NULL) {
        /* WskCloseSocket cancels the requests still pending on the socket. */
        SIM_CHECK(s->pending_connect != irp, "the close reuses the IRP of a request still pending");
        PIRP connect = s->pending_connect;
        s->pending_connect = NULL;
        complete_irp(connect, STATUS_CANCELLED, 0);
    }
    return complete_irp(irp, STATUS_SUCCESS, 0);
}

static NTSTATUS provider_bind(PWSK_SOCKET socket, PSOCKADDR address, ULONG flags, PIRP irp)
{
    (void)flags;
    struct sim_socket *s = (struct sim_socket *)socket;
    memcpy(s->bound, address, (size_t)address_length((const uint8_t *)address));
    s->is_bound = 1;
    return complete_irp(irp, STATUS_SUCCESS, 0);
}

static NTSTATUS provider_connect(PWSK_SOCKET socket, PSOCKADDR remote, ULONG flags, PIRP irp)
{
    (void)flags;
    struct sim_socket *s = (struct sim_socket *)socket;
    SIM_CHECK(s->tcp && s->is_bound, "WskConnect on a bound connection socket");
    if (sim_faults.connect_status == STATUS_PENDING) {
        /* Held by the stack: completed (cancelled) when the socket closes. */
        s->pending_connect = irp;
        return STATUS_PENDING;
    }
    if (sim_faults.connect_status != 0)
        return complete_irp(irp, sim_faults.connect_status, 0);
    memcpy(s->connected, remote, (size_t)address_length((const uint8_t *)remote));
    s->is_connected = 1;
    return complete_irp(irp, STATUS_SUCCESS, 0);
}

static NTSTATUS provider_send_to(PWSK_SOCKET socket, WSK_BUF *buffer, ULONG flags, PSOCKADDR remote, ULONG controlLength,
                                 CMSGHDR *control, PIRP irp)
{
    (void)flags; (void)controlLength; (void)control;
    struct sim_socket *s = (struct sim_socket *)socket;
    SIM_CHECK(!s->closed && s->is_bound && !s->tcp, "WskSendTo on a bound datagram socket");
    SIM_CHECK(buffer->Offset + buffer->Length <= buffer->Mdl->ByteCount, "a send past its MDL");
    if (sim_faults.send_status != 0)
        return complete_irp(irp, sim_faults.send_status, 0);
    if (m.datagram_count < 64 && buffer->Length <= 2048) {
        memcpy(m.datagrams[m.datagram_count].data, (uint8_t *)buffer->Mdl->MappedSystemVa + buffer->Offset, buffer->Length);
        m.datagrams[m.datagram_count].length = buffer->Length;
        memcpy(m.datagrams[m.datagram_count].from, s->bound, 28);
        memcpy(m.datagrams[m.datagram_count].to, remote, (size_t)address_length((const uint8_t *)remote));
        m.datagram_count++;
    }
    return complete_irp(irp, STATUS_SUCCESS, buffer->Length);
}

static NTSTATUS provider_send(PWSK_SOCKET socket, WSK_BUF *buffer, ULONG flags, PIRP irp)
{
    (void)flags;
    struct sim_socket *s = (struct sim_socket *)socket;
    SIM_CHECK(!s->closed && s->is_connected, "WskSend on a connected socket");
    SIM_CHECK(buffer->Offset + buffer->Length <= buffer->Mdl->ByteCount, "a send past its MDL");
    if (sim_faults.send_status != 0)
        return complete_irp(irp, sim_faults.send_status, 0);
    SIM_CHECK(s->stream_length + buffer->Length <= sizeof s->stream, "the simulated stream buffer is full");
    memcpy(s->stream + s->stream_length, (uint8_t *)buffer->Mdl->MappedSystemVa + buffer->Offset, buffer->Length);
    s->stream_length += buffer->Length;
    return complete_irp(irp, STATUS_SUCCESS, buffer->Length);
}

static const WSK_PROVIDER_DATAGRAM_DISPATCH datagram_dispatch = { provider_control, provider_close, provider_bind, provider_send_to };
static const WSK_PROVIDER_CONNECTION_DISPATCH connection_dispatch = { provider_control, provider_close, provider_bind, provider_connect, provider_send };

static NTSTATUS provider_socket(PWSK_CLIENT client, USHORT family, USHORT type, ULONG protocol, ULONG flags, void *context,
                                const void *dispatch, PEPROCESS process, PETHREAD thread, void *security, PIRP irp)
{
    (void)client; (void)family; (void)process; (void)thread; (void)security;
    int tcp = (flags & WSK_FLAG_CONNECTION_SOCKET) != 0;
    SIM_CHECK(tcp ? type == SOCK_STREAM && protocol == IPPROTO_TCP : type == SOCK_DGRAM && protocol == IPPROTO_UDP, "socket kind");
    struct sim_socket *s = calloc(1, sizeof *s);
    s->base.Dispatch = tcp ? (const void *)&connection_dispatch : (const void *)&datagram_dispatch;
    s->tcp = tcp;
    s->context = context;
    s->events = dispatch;
    m.sockets[m.socket_count++] = s;
    return complete_irp(irp, STATUS_SUCCESS, (ULONG_PTR)s);
}

static const WSK_PROVIDER_DISPATCH provider_dispatch = { 0x100, 0, provider_socket };

/* Each registration's captures of the provider NPI, in its own (simulated) WSK_REGISTRATION. */
NTSTATUS WskRegister(WSK_CLIENT_NPI *client, WSK_REGISTRATION *registration)
{
    SIM_CHECK(m.irql == PASSIVE_LEVEL && client->Dispatch->Version == 0x100, "WskRegister at PASSIVE_LEVEL for WSK 1.0");
    registration->Reserved = NULL;
    m.registrations++;
    return STATUS_SUCCESS;
}

void WskDeregister(WSK_REGISTRATION *registration)
{
    SIM_CHECK(m.irql == PASSIVE_LEVEL, "WskDeregister at PASSIVE_LEVEL");
    SIM_CHECK(registration->Reserved == NULL, "WskDeregister with the provider NPI still captured (it would wait forever)");
    m.registrations--;
}

NTSTATUS WskCaptureProviderNPI(WSK_REGISTRATION *registration, ULONG wait, WSK_PROVIDER_NPI *provider)
{
    (void)wait;
    provider->Client = (PWSK_CLIENT)0x5c1e;
    provider->Dispatch = &provider_dispatch;
    registration->Reserved = (void *)((uintptr_t)registration->Reserved + 1);
    return STATUS_SUCCESS;
}

void WskReleaseProviderNPI(WSK_REGISTRATION *registration)
{
    SIM_CHECK(registration->Reserved != NULL, "WskReleaseProviderNPI without a capture");
    registration->Reserved = (void *)((uintptr_t)registration->Reserved - 1);
}

/* ---- the harness ---- */

extern NTSTATUS DriverEntry(PDRIVER_OBJECT driverObject, UNICODE_STRING *registryPath);

NTSTATUS sim_load(void)
{
    UNICODE_STRING path = { 0 };
    NTSTATUS status = DriverEntry(NULL, &path);
    run_dpcs();
    return status;
}

WDFDEVICE sim_add_device(void)
{
    struct sim_device_init *init = calloc(1, sizeof *init);
    NTSTATUS status = m.driver_config.EvtDriverDeviceAdd(m.driver, init);
    run_dpcs();
    if (!NT_SUCCESS(status)) {
        free(init); /* not consumed */
        return NULL;
    }
    struct sim_object *device = m.last_device;
    SIM_CHECK(device != NULL && device->adapter != NULL && device->default_queue != NULL && device->adapter->rxq != NULL,
              "device add made the device, its queues and its adapter's data path");
    return device;
}

static struct sim_object *new_request(WDFFILEOBJECT file, const void *input, size_t input_length, size_t output_length)
{
    struct sim_object *r = new_object(SIM_REQUEST, file != NULL ? file->device : NULL);
    r->request.file = file;
    if (input_length > 0) {
        r->request.input = malloc(input_length);
        memcpy(r->request.input, input, input_length);
        r->request.input_length = input_length;
    }
    if (output_length > 0) {
        r->request.output = calloc(1, output_length);
        r->request.output_length = output_length;
    }
    return r;
}

void sim_free_request(struct sim_object *request)
{
    SIM_CHECK(request->request.completed, "a request freed before it completed");
    free(request->request.input);
    free(request->request.output);
    free(request);
}

WDFFILEOBJECT sim_open(WDFDEVICE device)
{
    struct sim_object *file = new_object(SIM_FILE, device);
    struct sim_object *r = new_request(file, NULL, 0, 0);
    device->file_config.EvtDeviceFileCreate(device, r, file);
    run_dpcs();
    int ok = r->request.completed && NT_SUCCESS(r->request.status);
    sim_free_request(r);
    if (!ok) {
        free(file);
        return NULL;
    }
    return file;
}

struct sim_object *sim_ioctl(WDFDEVICE device, WDFFILEOBJECT file, ULONG code, const void *input, size_t input_length, size_t output_length)
{
    struct sim_object *r = new_request(file, input, input_length, output_length);
    struct sim_object *q = device->default_queue;
    q->queue_config.EvtIoDeviceControl(q, r, output_length, input_length, code);
    run_dpcs();
    return r;
}

struct sim_object *sim_read(WDFDEVICE device, WDFFILEOBJECT file, size_t length)
{
    struct sim_object *r = new_request(file, NULL, 0, length);
    struct sim_object *q = device->default_queue;
    q->queue_config.EvtIoRead(q, r, length);
    run_dpcs();
    return r;
}

struct sim_object *sim_write(WDFDEVICE device, WDFFILEOBJECT file, const void *data, size_t length)
{
    struct sim_object *r = new_request(file, data, length, 0);
    struct sim_object *q = device->default_queue;
    q->queue_config.EvtIoWrite(q, r, length);
    run_dpcs();
    return r;
}

void sim_cancel(WDFDEVICE device, struct sim_object *request)
{
    (void)device;
    struct sim_object *q = request->request.queue;
    SIM_CHECK(q != NULL, "only a queued request is cancelled by WDF");
    if (q == NULL)
        return;
    for (int i = 0; i < q->waiting_count; i++)
        if (q->waiting[i] == request)
            unqueue(q, i);
    q->queue_config.EvtIoCanceledOnQueue(q, request);
    run_dpcs();
}

void sim_cleanup(WDFDEVICE device, WDFFILEOBJECT file)
{
    device->file_config.EvtFileCleanup(file);
    run_dpcs();
    free(file);
}

void sim_remove_device(WDFDEVICE device)
{
    /* The adapter's queues and the manual queues go with the device. */
    for (int i = 0; i < manual_queue_count; i++) {
        if (manual_queues[i] != NULL && manual_queues[i]->device == device) {
            SIM_CHECK(manual_queues[i]->waiting_count == 0, "a request left in a manual queue at removal");
            free(manual_queues[i]);
            manual_queues[i] = NULL;
        }
    }
    WdfObjectDelete(device);
    run_dpcs();
}

void sim_unload(void)
{
    if (m.driver_config.EvtDriverUnload != NULL)
        m.driver_config.EvtDriverUnload(m.driver);
    run_dpcs();
    for (int i = 0; i < manual_queue_count; i++)
        free(manual_queues[i]);
    manual_queue_count = 0;
    free(m.driver);
    m.driver = NULL;
    for (int i = 0; i < m.socket_count; i++)
        free(m.sockets[i]);
    m.socket_count = 0;
}

int sim_transmit(WDFDEVICE device, const uint8_t *const *packets, const size_t *lengths, int count)
{
    struct sim_object *q = device->adapter->txq;
    struct sim_ring_set *r = q->rings;
    SIM_CHECK(count < SIM_RING_SIZE, "fewer packets than the ring holds");
    uint32_t start = r->packets.BeginIndex;
    for (int i = 0; i < count; i++) {
        uint32_t pi = r->packets.EndIndex, fi = r->fragments.EndIndex;
        memcpy(r->buffers[fi], packets[i], lengths[i]);
        r->fragment_elements[fi].ValidLength = lengths[i];
        r->fragment_elements[fi].Capacity = SIM_FRAGMENT_CAPACITY;
        r->fragment_elements[fi].Offset = 0;
        r->packet_elements[pi].FragmentIndex = fi;
        r->packet_elements[pi].FragmentCount = 1;
        r->packets.EndIndex = (pi + 1) & (SIM_RING_SIZE - 1);
        r->fragments.EndIndex = (fi + 1) & (SIM_RING_SIZE - 1);
    }
    q->packet_config.EvtAdvance(q);
    run_dpcs();
    SIM_CHECK(r->fragments.BeginIndex == r->packets.BeginIndex, "every fragment of a returned packet returned with it");
    return (int)((r->packets.BeginIndex - start) & (SIM_RING_SIZE - 1));
}

int sim_receive(WDFDEVICE device, uint8_t packets[][SIM_FRAGMENT_CAPACITY], size_t *lengths, NET_PACKET *descriptions,
                NET_PACKET_CHECKSUM *checksums, int max)
{
    struct sim_object *q = device->adapter->rxq;
    struct sim_ring_set *r = q->rings;
    /* The OS keeps the ring posted: empty packets with their fragments, up to one short of full. */
    uint32_t begin = r->packets.BeginIndex;
    while (((r->packets.EndIndex + 1) & (SIM_RING_SIZE - 1)) != begin) {
        uint32_t pi = r->packets.EndIndex, fi = r->fragments.EndIndex;
        memset(&r->packet_elements[pi], 0, sizeof(NET_PACKET));
        memset(&r->checksums[pi], 0xff, sizeof(NET_PACKET_CHECKSUM));
        r->fragment_elements[fi].Capacity = SIM_FRAGMENT_CAPACITY;
        r->fragment_elements[fi].ValidLength = 0;
        r->packets.EndIndex = (pi + 1) & (SIM_RING_SIZE - 1);
        r->fragments.EndIndex = (fi + 1) & (SIM_RING_SIZE - 1);
    }
    q->packet_config.EvtAdvance(q);
    run_dpcs();
    int n = (int)((r->packets.BeginIndex - begin) & (SIM_RING_SIZE - 1));
    SIM_CHECK(n <= max, "more packets than the caller has room for");
    for (int i = 0; i < n && i < max; i++) {
        uint32_t pi = (begin + (uint32_t)i) & (SIM_RING_SIZE - 1);
        NET_PACKET *p = &r->packet_elements[pi];
        NET_FRAGMENT *f = &r->fragment_elements[p->FragmentIndex];
        lengths[i] = (size_t)f->ValidLength;
        memcpy(packets[i], r->buffers[p->FragmentIndex] + f->Offset, (size_t)f->ValidLength);
        descriptions[i] = *p;
        checksums[i] = r->checksums[pi];
    }
    return n;
}

NET_IF_MEDIA_CONNECT_STATE sim_link(WDFDEVICE device) { return device->adapter->link; }
int sim_timer_armed(WDFDEVICE device) { return device->timer != NULL && device->timer->armed; }

void sim_fire_timer(WDFDEVICE device)
{
    struct sim_object *t = device->timer;
    if (t == NULL || !t->armed)
        return;
    if (t->due > m.now_100ns)
        m.now_100ns = t->due;
    t->armed = 0;
    t->timer_config.EvtTimerFunc(t);
    run_dpcs();
}

struct sim_socket *sim_socket_of(WDFDEVICE device)
{
    void *ctx = device->slot;
    for (int i = m.socket_count - 1; i >= 0; i--)
        if (m.sockets[i]->context == ctx && !m.sockets[i]->closed)
            return m.sockets[i];
    return NULL;
}

static struct sim_socket *bound_to(const uint8_t *address, int tcp)
{
    for (int i = 0; i < m.socket_count; i++) {
        struct sim_socket *s = m.sockets[i];
        if (!s->closed && s->is_bound && s->tcp == tcp && same_address(s->bound, address))
            return s;
    }
    return NULL;
}

int sim_deliver_datagrams(void)
{
    int delivered = 0;
    for (int i = 0; i < m.datagram_count; i++) {
        struct sim_socket *to = bound_to(m.datagrams[i].to, 0);
        if (to == NULL || !(to->event_mask & WSK_EVENT_RECEIVE_FROM))
            continue;
        /* One datagram per indication, over an MDL with headroom in front, as the stack indicates it. */
        uint8_t frame[2048 + 16];
        memcpy(frame + 16, m.datagrams[i].data, m.datagrams[i].length);
        MDL mdl = { NULL, (ULONG)(m.datagrams[i].length + 16), frame };
        WSK_DATAGRAM_INDICATION d = { NULL, { &mdl, 16, m.datagrams[i].length }, NULL, 0, (PSOCKADDR)m.datagrams[i].from };
        const WSK_CLIENT_DATAGRAM_DISPATCH *events = to->events;
        m.irql = DISPATCH_LEVEL;
        NTSTATUS status = events->WskReceiveFromEvent(to->context, 0, &d);
        m.irql = PASSIVE_LEVEL;
        SIM_CHECK(status == STATUS_SUCCESS, "indications are consumed");
        run_dpcs();
        delivered++;
    }
    m.datagram_count = 0;
    return delivered;
}

int sim_deliver_stream(size_t piece)
{
    int delivered = 0;
    for (int i = 0; i < m.socket_count; i++) {
        struct sim_socket *from = m.sockets[i];
        if (!from->tcp || from->closed || from->stream_length == 0)
            continue;
        struct sim_socket *to = bound_to(from->connected, 1);
        if (to == NULL || !(to->event_mask & WSK_EVENT_RECEIVE))
            continue;
        /* The bytes in indications of `piece` bytes, each over two chained MDLs (split in the middle). */
        for (size_t at = 0; at < from->stream_length; at += piece) {
            size_t n = from->stream_length - at < piece ? from->stream_length - at : piece;
            size_t first = n / 2;
            uint8_t a[16384 + 4], b[16384];
            memcpy(a + 4, from->stream + at, first);
            memcpy(b, from->stream + at + first, n - first);
            MDL second = { NULL, (ULONG)(n - first), b };
            MDL head = { first < n ? &second : NULL, (ULONG)(first + 4), a };
            WSK_DATA_INDICATION d = { NULL, { &head, 4, n } };
            const WSK_CLIENT_CONNECTION_DISPATCH *events = to->events;
            SIZE_T accepted = 0;
            m.irql = DISPATCH_LEVEL;
            NTSTATUS status = events->WskReceiveEvent(to->context, 0, &d, n, &accepted);
            m.irql = PASSIVE_LEVEL;
            SIM_CHECK(status == STATUS_SUCCESS, "stream indications are consumed");
            run_dpcs();
            delivered++;
        }
        from->stream_length = 0;
    }
    return delivered;
}

void sim_peer_disconnects(WDFDEVICE device)
{
    struct sim_socket *s = sim_socket_of(device);
    SIM_CHECK(s != NULL && s->tcp && (s->event_mask & WSK_EVENT_DISCONNECT), "a connection with WSK_EVENT_DISCONNECT enabled");
    if (s == NULL)
        return;
    const WSK_CLIENT_CONNECTION_DISPATCH *events = s->events;
    m.irql = DISPATCH_LEVEL;
    events->WskDisconnectEvent(s->context, WSK_FLAG_ABORTIVE);
    m.irql = PASSIVE_LEVEL;
    run_dpcs();
}

int sim_live_allocations(void) { return m.live_allocations; }
int sim_live_irps(void) { return m.live_irps; }
int sim_live_mdls(void) { return m.live_mdls; }
int sim_registrations(void) { return m.registrations; }

int sim_open_sockets(void)
{
    int n = 0;
    for (int i = 0; i < m.socket_count; i++)
        n += !m.sockets[i]->closed;
    return n;
}
