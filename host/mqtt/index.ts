/** MQTT: events published, commands subscribed, Home Assistant discovery per board. */
export { MqttBridge, type MqttHost, type MqttOptions, mqttOptions } from './bridge.js';
export { discoveryMessages, nodeId } from './discovery.js';
export { TOPIC_DOCS, Topics, topicLevel } from './topics.js';
