/**
 * Fan-out/fan-in: one HTTP request per city, all in flight at once (`wf.forEach`, Conductor's
 * dynamic fork), then a small server-side script (`wf.inline`) that aggregates the answers. No
 * worker is involved: the Conductor server does everything.
 */
import { str, workflow, z } from 'baton';

const reading = z.object({
  city: z.string().describe('City name as the weather service spells it'),
  temperatureC: z.number().describe('Current air temperature, in degrees Celsius'),
  conditions: z.string().describe('Short description, e.g. "light rain"'),
});
type Reading = z.output<typeof reading>;
type Summary = { warmest: Reading | null; coldest: Reading | null; averageTemperatureC: number | null };

/**
 * Current weather for several cities at once: asks the weather service about every city in
 * parallel, then reports each city's reading, the warmest and the coldest city, and the average
 * temperature.
 */
export default workflow(
  'weather_summary',
  {
    version: 1,
    input: z.object({
      cities: z.array(z.string().min(1)).min(1).max(50).describe('Cities to look up, e.g. ["Lisbon", "Oslo"]'),
      weatherBaseUrl: z.url().default('https://weather.example.com').describe('Base URL of the weather service (GET /weather?city=<name>)'),
    }),
    output: z.object({
      readings: z.array(reading).describe('One reading per city, in the order the cities were given'),
      warmest: reading.nullable().describe('The city with the highest temperature'),
      coldest: reading.nullable().describe('The city with the lowest temperature'),
      averageTemperatureC: z.number().nullable().describe('Mean temperature over all cities, to one decimal'),
    }),
    examples: [
      { name: 'three capitals', input: { cities: ['Lisbon', 'Oslo', 'Athens'] } },
      { name: 'one city', description: 'a single lookup', input: { cities: ['New York'] } },
    ],
    tool: { readOnly: true, idempotent: true },
    timeoutSeconds: 300,
  },
  (wf) => {
    const readings = wf.forEach('fetch_weather', wf.input.cities, (city, b) => {
      // The city goes into the URL as it is: Conductor's HTTP client percent-encodes it.
      const current = b.http('get_city_weather', {
        uri: str`${wf.input.weatherBaseUrl}/weather?city=${city}`,
        method: 'GET',
        connectionTimeOutMs: 2_000,
        readTimeOutMs: 5_000,
        output: reading,
      });
      return current.output.body;
    });

    const summary = wf.inline('summarize', { readings: readings.output }, ($): Summary => {
      const list = $.readings;
      if (list.length === 0) return { warmest: null, coldest: null, averageTemperatureC: null };
      let warmest = list[0]!;
      let coldest = list[0]!;
      let sum = 0;
      for (const r of list) {
        if (r.temperatureC > warmest.temperatureC) warmest = r;
        if (r.temperatureC < coldest.temperatureC) coldest = r;
        sum += r.temperatureC;
      }
      return { warmest, coldest, averageTemperatureC: Math.round((sum / list.length) * 10) / 10 };
    });

    return {
      readings: readings.output,
      warmest: summary.output.result.warmest,
      coldest: summary.output.result.coldest,
      averageTemperatureC: summary.output.result.averageTemperatureC,
    };
  },
);
