export function credentialsFile(where?: { file?: string; url?: string }): string;
