/** Probes of what the running kernel supports, each probed once and cached. */
package io.bpf4j.features;
