/**
 * The demonstration upstream that {@code portcullis demo} federates: a small MCP server on loopback so the
 * gateway's main job can be tried with nothing else installed. Not used outside demo mode.
 */
package dev.portcullis.server.demo;
