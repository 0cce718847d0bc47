/* args: argc, argv, selected environment variables and the deterministic part of the auxiliary
 * vector, read straight from the initial stack (after envp's NULL) rather than through
 * getauxval, so the layout the loader built is what is checked. Nothing address- or
 * machine-dependent is printed: addresses are only compared with each other. */
#include <elf.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern char **environ;
extern char _start[];   /* musl's crt1/rcrt1 entry point: AT_ENTRY must point at it */

static const char *base(const char *p)
{
    const char *s = strrchr(p, '/');
    return s ? s + 1 : p;
}

static int cmpstr(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static const char *ptype(uint32_t t)
{
    switch (t) {
    case PT_NULL: return "NULL";
    case PT_LOAD: return "LOAD";
    case PT_DYNAMIC: return "DYNAMIC";
    case PT_INTERP: return "INTERP";
    case PT_NOTE: return "NOTE";
    case PT_PHDR: return "PHDR";
    case PT_TLS: return "TLS";
    case PT_GNU_EH_FRAME: return "GNU_EH_FRAME";
    case PT_GNU_STACK: return "GNU_STACK";
    case PT_GNU_RELRO: return "GNU_RELRO";
    case 0x6474e553: return "GNU_PROPERTY";
    default: return "other";
    }
}

int main(int argc, char **argv, char **envp)
{
    /* argv[0] is how the program was named, which differs between a host shell and emu's
     * image; only its last component is compared. */
    printf("argc=%d\n", argc);
    printf("argv[0] basename=%s\n", base(argv[0]));
    for (int i = 1; i < argc; i++)
        printf("argv[%d]=\"%s\" (%zu bytes)\n", i, argv[i], strlen(argv[i]));
    printf("argv[argc]=%s\n", argv[argc] == NULL ? "NULL" : "non-NULL");
    /* At the entry point RSP points at argc and is 16-byte aligned (SysV ABI §3.4.1). */
    printf("initial RSP (&argc = argv - 8) 16-byte aligned: %s\n",
           ((uintptr_t)argv - 8) % 16 == 0 ? "yes" : "no");
    printf("envp follows argv: %s\n", envp == argv + argc + 1 ? "yes" : "no");
    printf("environ == envp: %s\n", environ == envp ? "yes" : "no");

    /* Environment: only variables whose name starts with EMU_T_, sorted (the harness sets
     * them; a host's own environment never shows). */
    int n = 0;
    char **envs = NULL;
    char **e = envp;
    for (; *e; e++)
        if (strncmp(*e, "EMU_T_", 6) == 0) {
            envs = realloc(envs, (n + 1) * sizeof *envs);
            envs[n++] = *e;
        }
    qsort(envs, n, sizeof *envs, cmpstr);
    printf("EMU_T_ variables: %d\n", n);
    for (int i = 0; i < n; i++)
        printf("  %s\n", envs[i]);
    free(envs);
    const char *g = getenv("EMU_T_GREETING");
    printf("getenv(EMU_T_GREETING)=%s\n", g ? g : "(unset)");

    /* The auxiliary vector starts after envp's terminating NULL. */
    Elf64_auxv_t *av = (Elf64_auxv_t *)(e + 1);
    uint64_t v[64] = {0};
    int seen[64] = {0};
    int count = 0, ordered_ok = 1;
    for (Elf64_auxv_t *a = av; a->a_type != AT_NULL; a++, count++) {
        if (a->a_type < 64) {
            if (seen[a->a_type]) ordered_ok = 0;   /* each type at most once */
            seen[a->a_type] = 1;
            v[a->a_type] = a->a_un.a_val;
        }
    }
    printf("auxv: at most one entry per type: %s\n", ordered_ok ? "yes" : "no");
    printf("auxv aligned to 8: %s\n", ((uintptr_t)av & 7) == 0 ? "yes" : "no");
#define SHOW(t) \
    do { if (seen[t]) printf(#t "=%lu\n", (unsigned long)v[t]); else printf(#t " missing\n"); } while (0)
    SHOW(AT_PAGESZ);
    SHOW(AT_PHENT);
    SHOW(AT_PHNUM);
    SHOW(AT_SECURE);
    SHOW(AT_CLKTCK);
    /* IDs differ between machines and users: check presence and agreement with the syscalls. */
    printf("AT_UID %s, == getuid(): %s\n", seen[AT_UID] ? "present" : "missing",
           v[AT_UID] == (uint64_t)getuid() ? "yes" : "no");
    printf("AT_EUID %s, == geteuid(): %s\n", seen[AT_EUID] ? "present" : "missing",
           v[AT_EUID] == (uint64_t)geteuid() ? "yes" : "no");
    printf("AT_GID %s, == getgid(): %s\n", seen[AT_GID] ? "present" : "missing",
           v[AT_GID] == (uint64_t)getgid() ? "yes" : "no");
    printf("AT_EGID %s, == getegid(): %s\n", seen[AT_EGID] ? "present" : "missing",
           v[AT_EGID] == (uint64_t)getegid() ? "yes" : "no");
    printf("AT_RANDOM %s\n", seen[AT_RANDOM] && v[AT_RANDOM] ? "present" : "missing");
    if (seen[AT_RANDOM] && v[AT_RANDOM]) {
        /* 16 readable bytes; their value is random, so only their sum's existence is used. */
        volatile unsigned s = 0;
        for (int i = 0; i < 16; i++) s += ((unsigned char *)v[AT_RANDOM])[i];
        printf("AT_RANDOM 16 bytes readable: yes\n");
    }
    printf("AT_EXECFN %s\n", seen[AT_EXECFN] && v[AT_EXECFN] && *(char *)v[AT_EXECFN]
                                 ? "present (non-empty string)" : "missing");
    printf("AT_PLATFORM=%s\n", seen[AT_PLATFORM] && v[AT_PLATFORM] ? (char *)v[AT_PLATFORM]
                                                                  : "(missing)");
    printf("AT_ENTRY == _start: %s\n", seen[AT_ENTRY] && v[AT_ENTRY] == (uintptr_t)_start
                                           ? "yes" : "no");
    printf("AT_PAGESZ == sysconf(_SC_PAGESIZE): %s\n",
           v[AT_PAGESZ] == (uint64_t)sysconf(_SC_PAGESIZE) ? "yes" : "no");
    /* AT_PHDR must point at this executable's program headers as mapped in memory. */
    if (seen[AT_PHDR] && v[AT_PHDR] && v[AT_PHENT] == sizeof(Elf64_Phdr)) {
        Elf64_Phdr *ph = (Elf64_Phdr *)v[AT_PHDR];
        printf("program headers via AT_PHDR:");
        for (uint64_t i = 0; i < v[AT_PHNUM]; i++)
            printf(" %s", ptype(ph[i].p_type));
        printf("\n");
    } else {
        printf("AT_PHDR missing\n");
    }
    return 0;
}
