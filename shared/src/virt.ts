// Schemas for virtual machines, storage and networks: being written (issue 3).
export {};
