// Every test process gets the same software-Vulkan environment as the CLI, unless the caller chose one.
import { configureHeadlessVulkan } from '../src/gpu/vulkan-env-node.ts';
configureHeadlessVulkan();
